"""Python functions over blocks, as Dask has them: ``map_blocks``,
``blockwise``, ``map_overlap``, and the ``overlap`` / ``trim_internal`` they
are made of. The function runs on each block (a NumPy array) in this
process, holding the GIL while it runs: the sync and threaded schedulers
take these graphs, the processes scheduler refuses them (as Dask's would
need the function pickled)."""

import numpy as _np

from . import _tessera
from ._tessera import Array


def _infer_dtype(func, arrays, dtype):
    """``dtype`` as given, else what ``func`` returns on one-element blocks
    of the arrays' dtypes (Dask infers ``meta`` the same way), else the
    first array's dtype."""
    if dtype is not None:
        return _np.dtype(dtype)
    try:
        probe = func(*[_np.ones((1,) * a.ndim, dtype=a.dtype) for a in arrays])
        return _np.asarray(probe).dtype
    except Exception:
        return arrays[0].dtype


def _block_function(func, args, kwargs):
    """``func`` called as Dask calls it: arrays of ``args`` replaced by their
    blocks, everything else (and ``kwargs``) passed as given."""
    is_array = [isinstance(a, Array) for a in args]

    def call(*blocks):
        it = iter(blocks)
        return func(*[next(it) if arr else a for arr, a in zip(is_array, args)], **kwargs)

    return call, [a for a, arr in zip(args, is_array) if arr]


def map_blocks(func, *args, dtype=None, chunks=None, drop_axis=None, new_axis=None,
               meta=None, name=None, **kwargs):
    """``da.map_blocks(func, *args, dtype=, chunks=, drop_axis=, new_axis=, **kwargs)``."""
    call, arrays = _block_function(func, args, kwargs)
    if not arrays:
        raise TypeError("map_blocks needs at least one tessera array among its arguments")
    if meta is not None and dtype is None:
        dtype = _np.asarray(meta).dtype
    dtype = _infer_dtype(call, arrays, dtype)
    if isinstance(drop_axis, int):
        drop_axis = [drop_axis]
    if isinstance(new_axis, int):
        new_axis = [new_axis]
    if len(arrays) == 1:
        return _tessera._map_blocks(call, arrays[0], dtype, drop_axis, new_axis, chunks)
    if drop_axis or new_axis or chunks is not None:
        raise NotImplementedError(
            "map_blocks over several arrays takes no drop_axis, new_axis or chunks yet; "
            "use blockwise with index notation")
    ndim = max(a.ndim for a in arrays)
    letters = "abcdefghijklmnopqrstuvwxyz"[:ndim]
    # Dask aligns several arrays by broadcasting from the right.
    inputs = [(a, letters[ndim - a.ndim:]) for a in arrays]
    return _tessera._blockwise(call, letters, inputs, dtype)


def blockwise(func, out_ind, *args, dtype=None, concatenate=True, new_axes=None, **kwargs):
    """``da.blockwise(func, out_ind, x, "ij", y, "jk", ..., dtype=, new_axes=)``
    (arrays with their index strings; ``None`` as the index of a plain argument)."""
    if len(args) % 2:
        raise TypeError("blockwise takes its inputs as pairs: array, index string")
    pairs = list(zip(args[0::2], args[1::2]))
    call, arrays = _block_function(func, [a for a, _ in pairs], kwargs)
    inputs = [(a, ind) for a, ind in pairs if isinstance(a, Array)]
    if any(not isinstance(ind, str) for _, ind in inputs):
        raise TypeError("each array's index must be a string such as 'ij'")
    if dtype is None:
        raise TypeError("blockwise needs dtype= (its output dtype)")
    new = [(k, list(v) if not isinstance(v, int) else [v]) for k, v in (new_axes or {}).items()]
    return _tessera._blockwise(call, out_ind, inputs, _np.dtype(dtype), concatenate, new)


def map_overlap(func, *args, depth=None, boundary=None, trim=True, dtype=None, **kwargs):
    """``da.map_overlap(func, x, depth=, boundary=)``: ``func`` over every block
    grown by ``depth`` elements of its neighbours, then trimmed."""
    if not trim:
        raise NotImplementedError("map_overlap with trim=False: use overlap, then map_blocks")
    call, arrays = _block_function(func, args, kwargs)
    if len(arrays) != 1:
        raise NotImplementedError("map_overlap over several arrays is not there yet; one array")
    x = arrays[0]
    dtype = _infer_dtype(call, arrays, dtype)
    return _tessera._map_overlap(call, x, 0 if depth is None else depth, boundary, dtype)


def overlap(x, depth, boundary):
    """``da.overlap.overlap(x, depth, boundary)``."""
    return _tessera._overlap(x, depth, boundary)


def trim_internal(x, axes, boundary=None):
    """``da.overlap.trim_internal(x, axes, boundary)`` (``axes`` is the depth)."""
    return _tessera._overlap(x, axes, boundary, True)
