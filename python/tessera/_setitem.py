"""``x[key] = value`` as Dask has it: the array becomes a lazy ``where``
over a mask of the selected elements. Keys: a bool array of ``x``'s shape
(``x[x < 0] = 0``), or ints, slices and ``...`` (``x[:, 0] = nan``); values:
a scalar, or an array that broadcasts to ``x``'s shape (mask keys) or to the
selected region's shape (basic keys whose slices have step 1)."""

import numpy as _np

from ._tessera import Array


def _normalize(key, ndim):
    """``key`` as one int or slice per axis (``...`` expanded)."""
    key = key if isinstance(key, tuple) else (key,)
    if any(k is None for k in key):
        raise IndexError("x[...] = value takes no None (new axes) in the key")
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("an index can have only one ellipsis ('...')")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (ndim - len(key) + 1) + key[i + 1:]
    if len(key) > ndim:
        raise IndexError(f"too many indices for an array of {ndim} dimensions: {len(key)} given")
    return key + (slice(None),) * (ndim - len(key))


def _axis_selection(k, n, axis):
    """The bool vector of the positions ``k`` selects on an axis of length ``n``."""
    sel = _np.zeros(n, dtype=bool)
    if isinstance(k, slice):
        sel[k] = True
    else:
        i = _np.asarray(k)
        if i.ndim != 0 or i.dtype.kind not in "iu":
            raise IndexError("x[...] = value takes ints, slices, '...' or one bool array as the key")
        if not -n <= int(i) < n:
            raise IndexError(f"index {int(i)} is out of bounds for axis {axis} with size {n}")
        sel[int(i)] = True
    return sel


def _mask(x, key):
    """A lazy bool array of ``x``'s shape and chunks, true where ``key`` selects."""
    from . import from_array, logical_and

    mask = None
    for axis, (k, n) in enumerate(zip(key, x.shape)):
        if isinstance(k, slice) and k == slice(None):
            continue
        shape = [1] * x.ndim
        shape[axis] = n
        vec = from_array(_axis_selection(k, n, axis).reshape(shape), chunks=tuple(
            x.chunks[axis] if a == axis else (1,) for a in range(x.ndim)))
        mask = vec if mask is None else logical_and(mask, vec)
    return mask


def setitem(x, key, value):
    """The array ``x`` with ``x[key] = value`` applied (a new lazy array)."""
    from . import asarray, where

    if isinstance(key, Array) or (isinstance(key, _np.ndarray) and key.dtype == bool):
        mask = asarray(key)
        if mask.dtype != _np.bool_ or mask.shape != x.shape:
            raise IndexError(
                f"a mask key must be a bool array of the array's shape {x.shape}, "
                f"got {mask.dtype} of shape {mask.shape}")
    else:
        key = _normalize(key, x.ndim)
        mask = _mask(x, key)
        if mask is None:  # x[...] = value: everything
            mask = asarray(_np.ones((1,) * x.ndim, dtype=bool))
        v = value if isinstance(value, Array) else _np.asarray(value)
        if v.ndim != 0:
            value = _placed(x, key, v)
    v = value if isinstance(value, Array) else _np.asarray(value, dtype=x.dtype)
    if not isinstance(v, Array) and v.ndim == 0:
        v = asarray(v)
    return where(mask, v, x).astype(x.dtype)


def _placed(x, key, v):
    """An array value for a basic key, placed in an array of ``x``'s shape
    (zeros outside the region; the mask picks the region)."""
    from . import asarray, concatenate, zeros

    region = []
    for axis, (k, n) in enumerate(zip(key, x.shape)):
        if isinstance(k, slice):
            start, stop, step = k.indices(n)
            if step != 1:
                raise NotImplementedError(
                    "assigning an array into a strided region is not supported; "
                    "assign a scalar, or use where with a mask")
            region.append((start, max(start, stop), False))
        else:
            i = int(k) % n
            region.append((i, i + 1, True))
    want = tuple(b - a for a, b, _ in region)
    kept = tuple(w for w, (_, _, dropped) in zip(want, region) if not dropped)
    v = asarray(v)
    try:
        target = _np.broadcast_shapes(v.shape, kept)
    except ValueError:
        raise ValueError(f"could not broadcast a value of shape {v.shape} into a region of shape {kept}")
    if target != kept:
        raise ValueError(f"could not broadcast a value of shape {v.shape} into a region of shape {kept}")
    from ._namespace import broadcast_to

    if 0 in want:  # an empty region: nothing to place (the mask is all false)
        return zeros(x.shape, dtype=x.dtype, chunks=x.chunks)

    v = broadcast_to(v, kept).reshape(want).astype(x.dtype)
    # Grow the block axis by axis with zeros before and after it.
    for axis, (a, b, _) in enumerate(region):
        n = x.shape[axis]
        parts = []
        for length in (a, n - b):
            shape = list(v.shape)
            shape[axis] = length
            parts.append(zeros(tuple(shape), dtype=x.dtype) if length else None)
        pieces = [p for p in (parts[0], v, parts[1]) if p is not None]
        v = concatenate(pieces, axis=axis) if len(pieces) > 1 else v
    return v.rechunk(x.chunks)
