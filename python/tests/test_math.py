"""The elementwise math family, the complex parts and the integer operators
against NumPy, over random shapes and chunkings and the IEEE specials: each
function reaches Python through the namespace with no code of its own."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tessera as ta

SPECIALS = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 0.5, -0.5, 1.0, -1.0, 2.5, 1e300])


@st.composite
def floats(draw, dtype=np.float64):
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    chunks = tuple(draw(st.integers(1, n)) for n in shape)
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    data = rng.choice(SPECIALS, size=shape).astype(dtype)
    return data, chunks


def same(actual, expected):
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=0, equal_nan=True)


UNARY = {
    "tan": np.tan, "asin": np.arcsin, "acos": np.arccos, "atan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "log1p": np.log1p, "expm1": np.expm1,
    "log2": np.log2, "log10": np.log10, "floor": np.floor, "ceil": np.ceil,
    "trunc": np.trunc, "round": np.round, "sign": np.sign, "square": np.square,
    "negative": np.negative, "isnan": np.isnan, "isinf": np.isinf,
    "isfinite": np.isfinite, "signbit": np.signbit, "reciprocal": np.reciprocal,
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(data=floats())
def test_unary_functions_match_numpy(name, data):
    a, chunks = data
    with np.errstate(all="ignore"):
        want = UNARY[name](a)
    same(getattr(ta, name)(ta.from_array(a, chunks=chunks)).compute(), want)


def _floor_divide(a, b):
    """NumPy's floor_divide with the Array API's special cases for
    infinities (``inf // 2`` is inf, ``-1 // inf`` is -0), which tessera follows."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    out = np.floor_divide(a, b)
    inf_over_finite = np.isinf(a) & np.isfinite(b) & (b != 0)
    finite_over_inf = np.isfinite(a) & (a != 0) & np.isinf(b)
    out = np.where(inf_over_finite, a / np.where(b == 0, 1, b), out)
    signed_zero = np.where((a < 0) == (b < 0), 0.0, -0.0)
    return np.where(finite_over_inf, signed_zero, out)


BINARY = {
    "atan2": np.arctan2, "hypot": np.hypot, "copysign": np.copysign,
    "logaddexp": np.logaddexp, "nextafter": np.nextafter, "maximum": np.maximum,
    "minimum": np.minimum, "floor_divide": _floor_divide, "remainder": np.remainder,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(data=floats())
def test_binary_functions_match_numpy(name, data):
    a, chunks = data
    b = np.flip(a)
    x, y = ta.from_array(a, chunks=chunks), ta.from_array(b, chunks=chunks)
    with np.errstate(all="ignore"):
        want = BINARY[name](a, b)
        want_scalar = BINARY[name](2.0, a)
    same(getattr(ta, name)(x, y).compute(), want)
    same(getattr(ta, name)(2.0, x).compute(), want_scalar)


def test_integer_operators_match_numpy():
    a = np.arange(-12, 12, dtype=np.int32).reshape(4, 6)
    b = np.where(a % 5 == 0, 0, a % 7 - 3).astype(np.int32)
    x, y = ta.from_array(a, chunks=(2, 4)), ta.from_array(b, chunks=(3, 3))
    with np.errstate(all="ignore"):
        same((x // y).compute(), a // b)
        same((x % y).compute(), a % b)
    same((x & y).compute(), a & b)
    same((x | 5).compute(), a | 5)
    same((3 ^ x).compute(), 3 ^ a)
    same((~x).compute(), ~a)
    same((x << 2).compute(), a << 2)
    same((x >> 1).compute(), a >> 1)
    same(ta.bitwise_left_shift(x, 3).compute(), np.left_shift(a, 3))


def test_complex_parts_and_arithmetic_match_numpy():
    a = (np.arange(12).reshape(3, 4) - 5.5) + 1j * (np.arange(12).reshape(3, 4) % 5)
    z = ta.from_array(a, chunks=2)
    same(ta.real(z).compute(), a.real)
    same(ta.imag(z).compute(), a.imag)
    same(ta.conj(z).compute(), np.conj(a))
    same((z * z + 1).compute(), a * a + 1)
    same((z / (z + 10)).compute(), a / (a + 10))
    same(z.sum().compute(), a.sum())


def test_the_namespace_keeps_numpy_for_its_dtype_functions():
    # The loops that bind the functions by name must not rebind the module's
    # own names (they once replaced its NumPy alias with None).
    assert ta.finfo(ta.float32).eps == np.finfo(np.float32).eps
    assert ta.result_type(ta.int8, ta.float32) == np.float32
    x = ta.from_array(np.array([1.0, np.nan]), chunks=1)
    same(ta.where(x > 0, x, 0.0).compute(), np.array([1.0, 0.0]))


F16_SPECIALS = np.array(
    [0.0, -0.0, np.inf, -np.inf, np.nan, 0.1, -2.5, 3.0, 65504.0, -6e-08, 1e-4, 1000.0],
    dtype=np.float16,
)


def test_float16_arithmetic_casts_and_math_match_numpy():
    # NumPy computes float16 math in float32 and rounds once; so does tessera.
    rng = np.random.default_rng(16)
    a = rng.choice(F16_SPECIALS, size=(5, 7))
    b = rng.choice(F16_SPECIALS, size=(5, 7))
    x, y = ta.from_array(a, chunks=(2, 3)), ta.from_array(b, chunks=(3, 2))
    assert x.dtype == np.float16
    with np.errstate(all="ignore"):
        for got, want in [(x + y, a + b), (x - y, a - b), (x * y, a * b), (x / y, a / b),
                          (x + 1.5, a + 1.5), (2.0 * x, 2.0 * a), (x > y, a > b)]:
            got = got.compute()
            assert got.dtype == want.dtype, (got.dtype, want.dtype)
            np.testing.assert_array_equal(got, want)
        for name, f in [("sin", np.sin), ("exp", np.exp), ("sqrt", np.sqrt), ("log", np.log)]:
            got = getattr(ta, name)(x).compute()
            assert got.dtype == np.float16
            np.testing.assert_allclose(got, f(a), rtol=1e-3, equal_nan=True)
        wide = rng.normal(scale=3e4, size=(5, 7))
        np.testing.assert_array_equal(
            ta.from_array(wide, chunks=3).astype("float16").compute(), wide.astype(np.float16)
        )
    np.testing.assert_array_equal(x.astype("float64").compute(), a.astype(np.float64))
    assert (x + ta.from_array(np.ones(7, np.int16), chunks=3)).dtype == np.float32
    assert (x + ta.from_array(np.ones(7, np.uint8), chunks=3)).dtype == np.float16
    assert x.sum(axis=1).compute().dtype == np.float16
    assert ta.finfo(x.dtype).max == 65504
