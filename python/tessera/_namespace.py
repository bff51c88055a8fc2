"""The Array API standard's names (2024.12) over tessera's operations.

Each name is a line mapping the standard's signature onto a method or
function tessera already has; names the standard lists and tessera lacks
are absent (the conformance suite counts them as failures).
"""

import builtins as _builtins
import math as _math
from collections import namedtuple as _namedtuple

import numpy as _np

from . import _tessera

Array = _tessera.Array

# Data types: NumPy's dtype objects (``x.dtype == ta.float64`` holds).
bool = _np.dtype("bool")  # noqa: A001 - the standard's name
int8, int16, int32, int64 = (_np.dtype(n) for n in ("int8", "int16", "int32", "int64"))
uint8, uint16, uint32, uint64 = (_np.dtype(n) for n in ("uint8", "uint16", "uint32", "uint64"))
float32, float64 = _np.dtype("float32"), _np.dtype("float64")
complex64, complex128 = _np.dtype("complex64"), _np.dtype("complex128")

e, pi, inf, nan = _math.e, _math.pi, _math.inf, _math.nan
newaxis = None

_KINDS = {
    "bool": "b",
    "signed integer": "i",
    "unsigned integer": "u",
    "integral": "iu",
    "real floating": "f",
    "complex floating": "c",
    "numeric": "iufc",
}


def isdtype(dtype, kind):
    """Whether ``dtype`` is of ``kind`` (a dtype, a kind name, or a tuple of them)."""
    if isinstance(kind, tuple):
        return _builtins.any(isdtype(dtype, k) for k in kind)
    if isinstance(kind, str):
        if kind not in _KINDS:
            raise ValueError(f"unknown dtype kind {kind!r}; use one of {sorted(_KINDS)}")
        return _np.dtype(dtype).kind in _KINDS[kind]
    return _np.dtype(dtype) == _np.dtype(kind)


def result_type(*arrays_and_dtypes):
    """NumPy's promotion of the dtypes (of arrays) given."""
    return _np.result_type(*(a.dtype if isinstance(a, Array) else a for a in arrays_and_dtypes))


def can_cast(from_, to, /):
    """Whether ``from_`` casts to ``to`` safely."""
    return _np.can_cast(from_.dtype if isinstance(from_, Array) else from_, to)


_finfo = _namedtuple("finfo_object", "bits eps max min smallest_normal dtype")


def finfo(type, /):  # noqa: A002 - the standard's name
    """Machine limits of a float dtype, as the standard's ``finfo_object``
    (Python floats; ``dtype`` the real dtype of the same width)."""
    f = _np.finfo(type.dtype if isinstance(type, Array) else type)
    return _finfo(int(f.bits), float(f.eps), float(f.max), float(f.min),
                  float(f.smallest_normal), f.dtype)


def iinfo(type, /):  # noqa: A002
    """Machine limits of an integer dtype."""
    return _np.iinfo(type.dtype if isinstance(type, Array) else type)


class _Info:
    """``__array_namespace_info__()``: tessera's capabilities, devices and dtypes."""

    def capabilities(self):
        return {"boolean indexing": False, "data-dependent shapes": False, "max dimensions": 64}

    def default_device(self):
        return "cpu"

    def devices(self):
        return ["cpu"]

    def default_dtypes(self, *, device=None):
        return {"real floating": float64, "complex floating": complex128, "integral": int64, "indexing": int64}

    def dtypes(self, *, device=None, kind=None):
        every = {
            "bool": bool, "int8": int8, "int16": int16, "int32": int32, "int64": int64,
            "uint8": uint8, "uint16": uint16, "uint32": uint32, "uint64": uint64,
            "float32": float32, "float64": float64, "complex64": complex64, "complex128": complex128,
        }
        if kind is None:
            return every
        return {k: v for k, v in every.items() if isdtype(v, kind)}


def __array_namespace_info__():
    return _Info()


def _arr(x):
    from . import asarray

    return asarray(x)


def _binary(method, rmethod=None):
    def f(x1, x2, /):
        if isinstance(x1, Array):
            out = getattr(x1, method)(x2)
        elif isinstance(x2, Array) and rmethod is not None:
            out = getattr(x2, rmethod)(x1)
        else:
            out = getattr(_arr(x1), method)(x2)
        if out is NotImplemented:
            raise TypeError(f"unsupported operands for {method}: {type(x1).__name__}, {type(x2).__name__}")
        return out

    return f


# Elementwise functions: one line each, over the operators.
add = _binary("__add__", "__radd__")
subtract = _binary("__sub__", "__rsub__")
multiply = _binary("__mul__", "__rmul__")
divide = _binary("__truediv__", "__rtruediv__")
pow = _binary("__pow__", "__rpow__")  # noqa: A001
equal = _binary("__eq__", "__eq__")
not_equal = _binary("__ne__", "__ne__")
less = _binary("__lt__", "__gt__")
less_equal = _binary("__le__", "__ge__")
greater = _binary("__gt__", "__lt__")
greater_equal = _binary("__ge__", "__le__")


def _scalar_like(v, other):
    """A Python scalar as an array of ``other``'s dtype where the standard
    says it takes it (an int with an integer or float array, a float with a
    float or complex one...), else of NumPy's dtype for it."""
    kinds = {_builtins.bool: "b", int: "iuf c", float: "fc", complex: "c"}
    kind = kinds.get(type(v))
    if kind is not None and isinstance(other, Array) and other.dtype.kind in kind.replace(" ", ""):
        return _arr(_np.asarray(v, dtype=other.dtype))
    return _arr(_np.asarray(v))


def where(condition, x1, x2, /):
    """``da.where``: elements of ``x1`` where ``condition``, else of ``x2`` (arrays or scalars)."""
    cond = _arr(condition)
    a = x1 if isinstance(x1, Array) else _scalar_like(x1, x2)
    b = x2 if isinstance(x2, Array) else _scalar_like(x2, a)
    return _tessera.where_(cond, a, b)


def astype(x, dtype, /, *, copy=True, device=None):
    return _arr(x).astype(dtype)


def permute_dims(x, /, axes):
    return _arr(x).transpose(tuple(axes))


def concat(arrays, /, *, axis=0):
    from . import concatenate

    return concatenate(list(arrays), axis=axis)


def expand_dims(x, /, axis=0):
    x = _arr(x)
    index = [slice(None)] * x.ndim
    n = axis if axis >= 0 else x.ndim + 1 + axis
    if not 0 <= n <= x.ndim:
        raise IndexError(f"axis {axis} is out of bounds for an array of {x.ndim} dimensions plus one")
    index.insert(n, None)
    return x[tuple(index)]


def matrix_transpose(x, /):
    x = _arr(x)
    if x.ndim < 2:
        raise ValueError("matrix_transpose needs at least 2 dimensions")
    return x.swapaxes(-1, -2)


def _reduction(name):
    def f(x, /, *, axis=None, dtype=None, keepdims=False, split_every=None):
        return getattr(_arr(x), name)(axis=axis, dtype=dtype, keepdims=keepdims, split_every=split_every)

    f.__name__ = name
    return f


sum = _reduction("sum")  # noqa: A001
prod = _reduction("prod")
mean = _reduction("mean")


def _plain_reduction(name):
    def f(x, /, *, axis=None, keepdims=False, split_every=None):
        return getattr(_arr(x), name)(axis=axis, keepdims=keepdims, split_every=split_every)

    f.__name__ = name
    return f


min = _plain_reduction("min")  # noqa: A001
max = _plain_reduction("max")  # noqa: A001
any = _plain_reduction("any")  # noqa: A001
all = _plain_reduction("all")  # noqa: A001


def _correction(correction, ddof):
    """The standard's ``correction`` or Dask's ``ddof``: a non-negative number."""
    c = ddof if ddof is not None else (correction or 0)
    if c < 0:
        raise ValueError(f"correction must be non-negative, got {c}")
    return c


def _count(x, axis):
    """How many elements each reduction over ``axis`` takes."""
    if axis is None:
        return x.size
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return int(_np.prod([x.shape[a] for a in axes]))


def var(x, /, *, axis=None, correction=None, keepdims=False, ddof=None, dtype=None, split_every=None):
    x, c = _arr(x), _correction(correction, ddof)
    if c == int(c):
        return x.var(axis=axis, ddof=int(c), keepdims=keepdims, dtype=dtype, split_every=split_every)
    # A fractional correction: the population variance scaled by n / (n - c).
    n = _count(x, axis)
    v = x.var(axis=axis, ddof=0, keepdims=keepdims, dtype=dtype, split_every=split_every)
    return v * (n / (n - c)) if n > c else v * _np.nan


def std(x, /, *, axis=None, correction=None, keepdims=False, ddof=None, dtype=None, split_every=None):
    x, c = _arr(x), _correction(correction, ddof)
    if c == int(c):
        return x.std(axis=axis, ddof=int(c), keepdims=keepdims, dtype=dtype, split_every=split_every)
    return sqrt(var(x, axis=axis, correction=c, keepdims=keepdims, dtype=dtype, split_every=split_every))


def clip(x, /, min=None, max=None):  # noqa: A002 - the standard's names
    x = _arr(x)
    if not isinstance(min, Array) and not isinstance(max, Array):
        return x.clip(min, max)
    # Array bounds broadcast; the result keeps x's dtype (the standard).
    out = x
    if min is not None:
        out = maximum(out, min)
    if max is not None:
        out = minimum(out, max)
    return out.astype(x.dtype)


def reshape(x, /, shape, *, copy=None):
    return _arr(x).reshape(tuple(shape))


def squeeze(x, /, axis):
    return _arr(x).squeeze(axis)


def count_nonzero(x, /, *, axis=None, keepdims=False):
    return _arr(x).count_nonzero(axis=axis, keepdims=keepdims)


def searchsorted(x1, x2, /, *, side="left", sorter=None):
    if sorter is not None:
        x1 = take(x1, sorter, axis=0)
    return _tessera.searchsorted(_arr(x1), x2, side)


def argmin(x, /, *, axis=None, keepdims=False):
    return _arr(x).argmin(axis=axis, keepdims=keepdims)


def argmax(x, /, *, axis=None, keepdims=False):
    return _arr(x).argmax(axis=axis, keepdims=keepdims)


def _cumulative(name):
    def f(x, /, *, axis=None, dtype=None, include_initial=False):
        if include_initial:
            raise ValueError("include_initial=True is not supported by tessera yet")
        x = _arr(x)
        if axis is None and x.ndim > 1:
            raise ValueError("axis is required for arrays of more than one dimension")
        return getattr(x, name)(axis=0 if axis is None else axis, dtype=dtype)

    return f


cumulative_sum = _cumulative("cumsum")
cumulative_prod = _cumulative("cumprod")


def _like(fill):
    def f(x, /, *, dtype=None, device=None):
        from . import full

        x = _arr(x)
        return full(x.shape, fill, dtype=x.dtype if dtype is None else dtype, chunks=x.chunks)

    return f


zeros_like = _like(0)
ones_like = _like(1)
empty_like = _like(0)


def full_like(x, /, fill_value, *, dtype=None, device=None):
    from . import full

    x = _arr(x)
    return full(x.shape, fill_value, dtype=x.dtype if dtype is None else dtype, chunks=x.chunks)


def _unary(name):
    def f(x, /):
        return getattr(_arr(x), name)()

    f.__name__ = name
    return f


sqrt = _unary("sqrt")
exp = _unary("exp")
log = _unary("log")
sin = _unary("sin")
cos = _unary("cos")
abs = _unary("__abs__")  # noqa: A001
conj = _unary("conj")


def _ufunc(name, numpy_name=None):
    """A unary function of the standard, by the facade's NumPy name."""

    def f(x, /):
        return _arr(x)._ufunc(numpy_name or name)

    f.__name__ = name
    return f


def _binary_fn(name, numpy_name=None):
    """A binary function of the standard: arrays or scalars on either side."""

    def f(x1, x2, /):
        if isinstance(x1, Array):
            return x1._binary(numpy_name or name, x2)
        return _arr(x2)._binary(numpy_name or name, x1, True)

    f.__name__ = name
    return f


for _name, _npname in [
    ("tan", None), ("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"),
    ("sinh", None), ("cosh", None), ("tanh", None), ("asinh", "arcsinh"),
    ("acosh", "arccosh"), ("atanh", "arctanh"), ("log1p", None), ("expm1", None),
    ("log2", None), ("log10", None), ("floor", None), ("ceil", None), ("trunc", None),
    ("round", None), ("sign", None), ("square", None), ("positive", None),
    ("negative", "neg"), ("isnan", None), ("isinf", None), ("isfinite", None),
    ("signbit", None), ("bitwise_invert", "invert"), ("logical_not", None),
]:
    globals()[_name] = _ufunc(_name, _npname)

for _name, _npname in [
    ("atan2", "arctan2"), ("hypot", None), ("copysign", None), ("logaddexp", None),
    ("nextafter", None), ("maximum", None), ("minimum", None),
    ("floor_divide", "floordiv"), ("remainder", "mod"), ("bitwise_and", "and_"),
    ("bitwise_or", "or_"), ("bitwise_xor", "xor"), ("bitwise_left_shift", "lshift"),
    ("bitwise_right_shift", "rshift"), ("logical_and", None), ("logical_or", None),
    ("logical_xor", None),
]:
    globals()[_name] = _binary_fn(_name, _npname)
del _name, _npname


def real(x, /):
    """The real part (float32 for complex64, float64 for complex128)."""
    return _arr(x).real


def imag(x, /):
    """The imaginary part (zeros for real arrays)."""
    return _arr(x).imag


def reciprocal(x, /):
    """``1 / x`` (float64 for integers, float32 stays float32)."""
    return 1.0 / _arr(x)


# Linear algebra, sorting, searching, sets and the remaining shape
# functions: one line each over the extension module (`src/array_api.rs`).
def matmul(x1, x2, /):
    return _arr(x1) @ _arr(x2)


tensordot = _tessera.tensordot
vecdot = _tessera.vecdot
take_along_axis = _tessera.take_along_axis
tril = _tessera.tril
triu = _tessera.triu
tile = _tessera.tile
unstack = _tessera.unstack
nonzero = _tessera.nonzero
unique_values = _tessera.unique_values
_UniqueAll = _namedtuple("UniqueAllResult", "values indices inverse_indices counts")
_UniqueCounts = _namedtuple("UniqueCountsResult", "values counts")
_UniqueInverse = _namedtuple("UniqueInverseResult", "values inverse_indices")


def unique_all(x, /):
    """The standard's ``unique_all``: values, first indices, inverse indices, counts."""
    return _UniqueAll(*_tessera.unique_all(x))


def unique_counts(x, /):
    """The standard's ``unique_counts``: the unique values and how often each occurs."""
    return _UniqueCounts(*_tessera.unique_counts(x))


def eye(n_rows, n_cols=None, /, *, k=0, dtype=None, device=None, chunks="auto"):
    return _tessera.eye(n_rows, n_cols, k, dtype, chunks)


def unique_inverse(x, /):
    """The standard's ``unique_inverse``: the unique values and where each element went."""
    u = unique_all(x)
    return _UniqueInverse(u.values, u.inverse_indices)


def sort(x, /, *, axis=-1, descending=False, stable=True):
    return _arr(x).sort(axis, descending, stable)


def argsort(x, /, *, axis=-1, descending=False, stable=True):
    return _arr(x).argsort(axis, descending, stable)


def broadcast_to(x, /, shape):
    return _tessera.broadcast_to(_arr(x), tuple(shape))


def broadcast_arrays(*arrays):
    """Every array broadcast to their common shape, each keeping its dtype."""
    arrays = [_arr(a) for a in arrays]
    shape = _np.broadcast_shapes(*(a.shape for a in arrays))
    return [broadcast_to(a, shape) for a in arrays]


def meshgrid(*arrays, indexing="xy"):
    """Coordinate arrays from 1-d arrays (``"xy"``: Cartesian, ``"ij"``: matrix)."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"indexing={indexing!r}; use 'xy' or 'ij'")
    arrays = [_arr(a) for a in arrays]
    for a in arrays:
        if a.ndim != 1:
            raise ValueError(f"meshgrid takes 1-d arrays, got one of shape {a.shape}")
    shape = [a.shape[0] for a in arrays]
    if indexing == "xy" and len(arrays) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, a in enumerate(arrays):
        place = i
        if indexing == "xy" and len(arrays) > 1 and i < 2:
            place = 1 - i
        view = [1] * len(arrays)
        view[place] = a.shape[0]
        out.append(broadcast_to(a.reshape(tuple(view)), tuple(shape)))
    return out


def take(x, indices, /, *, axis=None):
    return _arr(x).take(list(_np.asarray(indices).reshape(-1)), axis)


def flip(x, /, *, axis=None):
    return _arr(x).flip(axis)


def moveaxis(x, source, destination, /):
    return _arr(x).moveaxis(source, destination)


def repeat(x, repeats, /, *, axis=None):
    return _arr(x).repeat(repeats, axis)


def roll(x, /, shift, *, axis=None):
    return _arr(x).roll(shift, axis)


def diff(x, /, *, axis=-1, n=1, prepend=None, append=None):
    if prepend is not None or append is not None:
        x = concat([a for a in (prepend, x, append) if a is not None], axis=axis)
    return _arr(x).diff(n, axis)


# NumPy ufuncs called on tessera arrays (``np.sin(x)``, ``a_numpy @ x``,
# ``np.add(x, 1)``) stay lazy, as with Dask: ``Array.__array_ufunc__`` lands
# here. A ufunc or keyword tessera lacks computes the arrays and lets NumPy
# do it (what ``__array__`` alone would give).
_UFUNC_BINARY = {
    "add": add, "subtract": subtract, "multiply": multiply, "divide": divide,
    "true_divide": divide, "power": pow, "floor_divide": floor_divide,
    "remainder": remainder, "matmul": matmul, "equal": equal, "not_equal": not_equal,
    "less": less, "less_equal": less_equal, "greater": greater,
    "greater_equal": greater_equal, "maximum": maximum, "minimum": minimum,
    "arctan2": atan2, "hypot": hypot, "copysign": copysign, "logaddexp": logaddexp,
    "nextafter": nextafter, "bitwise_and": bitwise_and, "bitwise_or": bitwise_or,
    "bitwise_xor": bitwise_xor, "left_shift": bitwise_left_shift,
    "right_shift": bitwise_right_shift, "logical_and": logical_and,
    "logical_or": logical_or, "logical_xor": logical_xor,
}
_UFUNC_UNARY = {"absolute": abs, "negative": negative, "positive": positive,
                "invert": bitwise_invert, "conjugate": conj}


def _array_ufunc(ufunc, method, inputs, kwargs):
    extra = {k: v for k, v in kwargs.items() if v is not None}
    name = ufunc.__name__
    if method == "__call__" and not extra:
        if ufunc.nin == 2 and name in _UFUNC_BINARY:
            return _UFUNC_BINARY[name](*inputs)
        if ufunc.nin == 1:
            if name in _UFUNC_UNARY:
                return _UFUNC_UNARY[name](inputs[0])
            try:
                return _arr(inputs[0])._ufunc(name)
            except ValueError as e:
                if "no elementwise function" not in str(e):
                    raise
    plain = [_np.asarray(i) if isinstance(i, Array) else i for i in inputs]
    return getattr(ufunc, method)(*plain, **kwargs)
