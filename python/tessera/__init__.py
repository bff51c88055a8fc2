"""tessera: Dask's chunked, lazy, parallel n-dimensional arrays, done natively in Rust.

``import tessera as ta`` (or ``import tessera as da`` in code written for
``dask.array``). Every function here is a thin layer over the Rust crate
``tessera`` (the extension module ``tessera._tessera``).
"""

from __future__ import annotations

import numpy as _np

import os as _os
import sys as _sys

from . import _tessera
from ._tessera import Array
from . import config, diagnostics, random


def _worker_command():
    """How the processes scheduler starts a worker: this interpreter, told to
    import this package from where it was imported (not re-running the
    user's script, as a Rust binary's workers re-run the binary)."""
    home = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    line = (
        f"import sys; sys.path.insert(0, {home!r}); "
        "import tessera._tessera as t; t._serve_worker()"
    )
    return _sys.executable, ["-c", line]


if _sys.executable:
    try:
        _tessera.set_worker_command(*_worker_command())
    except ValueError:  # already set: this module was loaded twice in one process
        pass

__all__ = [
    "Array", "config", "diagnostics", "random", "ones", "zeros", "full", "empty", "arange", "linspace",
    "from_array", "from_dlpack", "asarray", "from_zarr", "to_zarr", "store", "compute", "persist",
    "concatenate", "stack", "where",
]

__version__ = "0.1.0"
__array_api_version__ = "2024.12"


def _chunks_arg(chunks):
    return None if chunks is None else chunks


def ones(shape, *, dtype=None, device=None, chunks="auto"):
    """``da.ones``: ones of ``shape`` (float64 unless ``dtype``), in ``chunks``."""
    _cpu(device)
    return _tessera.filled("ones", shape, dtype, _chunks_arg(chunks))


def zeros(shape, *, dtype=None, device=None, chunks="auto"):
    """``da.zeros``."""
    _cpu(device)
    return _tessera.filled("zeros", shape, dtype, _chunks_arg(chunks))


def empty(shape, *, dtype=None, device=None, chunks="auto"):
    """``da.empty``: tessera fills it with zeros."""
    _cpu(device)
    return _tessera.filled("zeros", shape, dtype, _chunks_arg(chunks))


def full(shape, fill_value, *, dtype=None, device=None, chunks="auto"):
    """``da.full``: ``fill_value`` everywhere (its dtype unless ``dtype``)."""
    _cpu(device)
    if isinstance(fill_value, complex) or _np.iscomplexobj(fill_value):
        # A complex fill: zeros of the complex dtype plus the value (0-d).
        dtype = _np.result_type(_np.complex128 if dtype is None else dtype)
        return zeros(shape, dtype=dtype, chunks=chunks) + from_array(_np.asarray(fill_value, dtype=dtype))
    return _tessera.full(shape, fill_value, dtype, _chunks_arg(chunks))


def arange(start, /, stop=None, step=None, *, dtype=None, device=None, chunks="auto"):
    """``da.arange([start,] stop[, step], chunks="auto", dtype=None)``."""
    _cpu(device)
    args = (start,) if stop is None else (start, stop) if step is None else (start, stop, step)
    if stop is None and step is not None:
        args = (0, start, step)
    return _tessera.arange(*args, chunks=_chunks_arg(chunks), dtype=dtype)


def linspace(start, stop, /, num=50, *, dtype=None, device=None, endpoint=True, chunks="auto"):
    """``da.linspace``."""
    _cpu(device)
    return _tessera.linspace(start, stop, num, endpoint, _chunks_arg(chunks), dtype)


def _cpu(device):
    """tessera computes on the CPU: ``device`` may be None or ``"cpu"``."""
    if device not in (None, "cpu"):
        raise ValueError(f"tessera arrays live on the CPU; device={device!r} is not one")


def from_array(x, chunks="auto"):
    """``da.from_array``: a lazy array over any NumPy array (or anything
    ``np.asarray`` takes), non-contiguous or in any byte order."""
    if isinstance(x, Array):
        return x if chunks == "auto" else x.rechunk(chunks)
    a = _np.asarray(x)
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    return _tessera.from_numpy(a, _chunks_arg(chunks))


def from_dlpack(x, /, *, device=None, copy=None):
    """The Array API's ``from_dlpack``: a one-chunk lazy array over any
    DLPack producer (NumPy, PyTorch on the CPU, another tessera array)."""
    _cpu(device)
    return from_array(_np.from_dlpack(x, copy=copy), chunks=-1)


def asarray(x, dtype=None, device=None, copy=None, chunks="auto"):
    """``da.asarray``: an array as is, anything else through ``from_array``."""
    if isinstance(x, Array):
        return x if dtype is None else x.astype(dtype)
    a = _np.asarray(x, dtype=dtype)
    return from_array(a, chunks=chunks)


def from_zarr(url, component=None, chunks=None):
    """``da.from_zarr``: the Zarr (v2 or v3) array at ``url`` (``component`` inside it)."""
    return _tessera.from_zarr(str(url), component, chunks)


if hasattr(_tessera, "from_hdf5"):

    def from_hdf5(path, dataset, chunks=None):
        """The dataset of an HDF5 file (needs the ``hdf5`` build feature)."""
        return _tessera.from_hdf5(str(path), dataset, chunks)

    __all__.append("from_hdf5")


def to_zarr(arr, url, component=None):
    """``da.to_zarr``: write ``arr`` to a new Zarr v3 array."""
    return arr.to_zarr(str(url), component)


def store(sources, targets):
    """``da.store`` into Zarr directories: one computation for every array
    (work they share is done once); returns the chunks written per array."""
    if isinstance(sources, Array):
        sources, targets = [sources], [targets]
    return _tessera.store_zarr(list(sources), [str(t) for t in targets])


def compute(*arrays):
    """``dask.compute(a, b, ...)``: one graph, shared tasks once; a tuple of NumPy arrays."""
    return _tessera.compute(list(arrays))


def persist(*arrays):
    """``dask.persist(a, b, ...)``: one graph; arrays backed by their computed chunks."""
    return _tessera.persist(list(arrays))


def concatenate(seq, axis=0):
    """``da.concatenate``."""
    return _tessera.concatenate([asarray(a) for a in seq], axis)


def stack(seq, axis=0):
    """``da.stack``."""
    return _tessera.stack([asarray(a) for a in seq], axis)


from ._user_functions import blockwise, map_blocks, map_overlap  # noqa: E402
from . import _user_functions as overlap  # noqa: E402  (``da.overlap.overlap``)

__all__ += ["map_blocks", "map_overlap", "blockwise", "overlap"]


def _method(name):
    def f(x, *args, **kwargs):
        return getattr(asarray(x), name)(*args, **kwargs)

    f.__name__ = name
    f.__doc__ = f"``da.{name}(x, ...)``: ``x.{name}(...)``."
    return f


# Functions that are methods of Array: one name here each (a method the
# Rust facade gains appears by adding its name).
_METHOD_FUNCTIONS = [
    "sum", "prod", "mean", "var", "std", "min", "max", "any", "all", "argmin", "argmax",
    "nansum", "nanprod", "nanmin", "nanmax", "nanmean", "nanvar", "nanstd",
    "cumsum", "cumprod", "count_nonzero", "sqrt", "exp", "log", "sin", "cos", "clip",
    "reshape", "transpose", "squeeze", "swapaxes", "ravel", "astype",
]
for _name in _METHOD_FUNCTIONS:
    globals()[_name] = _method(_name)
    __all__.append(_name)

# The Array API standard's namespace (``x.__array_namespace__()`` is this
# module): its dtypes, functions and signatures, over the same methods.
from . import _namespace  # noqa: E402
from ._namespace import *  # noqa: E402,F401,F403
from ._namespace import __array_namespace_info__  # noqa: E402,F401

absolute = _namespace.abs
__all__ += [n for n in dir(_namespace) if not n.startswith("_") and n not in __all__]
