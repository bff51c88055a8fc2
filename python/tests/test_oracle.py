"""Every bound operation against NumPy over random shapes and chunkings."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tessera as ta


@st.composite
def arrays(draw, min_dims=1, max_dims=3, dtype=np.float64):
    """A NumPy array and a chunking of it (chunk lengths between 1 and the axis)."""
    shape = tuple(draw(st.lists(st.integers(1, 7), min_size=min_dims, max_size=max_dims)))
    chunks = tuple(draw(st.integers(1, n)) for n in shape)
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "f":
        data = rng.normal(size=shape).astype(dtype)
    elif np.dtype(dtype).kind == "b":
        data = rng.random(size=shape) > 0.5
    else:
        data = rng.integers(-5, 6, size=shape).astype(dtype)
    return data, chunks


def axis_choices(ndim):
    return st.one_of(
        st.none(),
        st.integers(-ndim, ndim - 1),
        st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(tuple),
    )


def check(actual, expected, rtol=1e-9, atol=1e-12):
    actual = np.asarray(actual)
    expected = np.asarray(expected)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)


REDUCTIONS = ["sum", "prod", "mean", "min", "max", "any", "all", "nansum", "nanmean", "nanmin", "nanmax"]


@pytest.mark.parametrize("name", REDUCTIONS)
@given(data=st.data())
def test_reductions_match_numpy(name, data):
    a, chunks = data.draw(arrays())
    axis = data.draw(axis_choices(a.ndim))
    keepdims = data.draw(st.booleans())
    x = ta.from_array(a, chunks=chunks)
    np_f = getattr(np, name)
    check(getattr(x, name)(axis=axis, keepdims=keepdims).compute(), np_f(a, axis=axis, keepdims=keepdims))


@pytest.mark.parametrize("name", ["var", "std", "nanvar", "nanstd"])
@given(data=st.data())
def test_ddof_reductions_match_numpy(name, data):
    a, chunks = data.draw(arrays())
    axis = data.draw(axis_choices(a.ndim))
    ddof = data.draw(st.integers(0, 1))
    x = ta.from_array(a, chunks=chunks)
    with np.errstate(all="ignore"):
        expected = getattr(np, name)(a, axis=axis, ddof=ddof)
    check(getattr(x, name)(axis=axis, ddof=ddof).compute(), expected, rtol=1e-7)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8, np.float32, np.bool_])
@given(data=st.data())
def test_sum_dtypes_match_numpy(dtype, data):
    a, chunks = data.draw(arrays(dtype=dtype))
    x = ta.from_array(a, chunks=chunks)
    check(x.sum(axis=0).compute(), a.sum(axis=0), rtol=1e-5)
    check(x.sum(dtype="float64").compute(), a.sum(dtype="float64"), rtol=1e-5)


@pytest.mark.parametrize("name", ["argmin", "argmax", "cumsum", "cumprod"])
@given(data=st.data())
def test_scans_and_args_match_numpy(name, data):
    a, chunks = data.draw(arrays())
    axis = data.draw(st.one_of(st.none(), st.integers(-a.ndim, a.ndim - 1)))
    x = ta.from_array(a, chunks=chunks)
    check(getattr(x, name)(axis=axis).compute(), getattr(np, name)(a, axis=axis), rtol=1e-7)


BINARY = {
    "+": lambda p, q: p + q,
    "-": lambda p, q: p - q,
    "*": lambda p, q: p * q,
    "/": lambda p, q: p / q,
    "<": lambda p, q: p < q,
    "<=": lambda p, q: p <= q,
    "==": lambda p, q: p == q,
    "!=": lambda p, q: p != q,
    ">": lambda p, q: p > q,
    ">=": lambda p, q: p >= q,
}


@pytest.mark.parametrize("op", sorted(BINARY))
@given(data=st.data())
def test_binary_operators_match_numpy(op, data):
    f = BINARY[op]
    a, chunks = data.draw(arrays(max_dims=2))
    # The other operand broadcasts: the same shape, its last axis, or a scalar.
    b = np.random.default_rng(1).normal(size=data.draw(st.sampled_from([a.shape, a.shape[-1:]])))
    x = ta.from_array(a, chunks=chunks)
    y = ta.from_array(b, chunks=data.draw(st.integers(1, b.shape[0])))
    with np.errstate(all="ignore"):
        check(f(x, y).compute(), f(a, b))
        check(f(x, 1.5).compute(), f(a, 1.5))
        check(f(2.5, x).compute(), f(2.5, a))


@given(data=st.data())
def test_integer_scalars_keep_the_array_dtype(data):
    a, chunks = data.draw(arrays(dtype=np.int32))
    x = ta.from_array(a, chunks=chunks)
    check((x + 3).compute(), a + 3)
    check((3 - x).compute(), 3 - a)
    check((x * 2.5).compute(), a * 2.5)
    check((x / 2).compute(), a / 2)
    check((-x).compute(), -a)
    check(abs(x).compute(), abs(a))


@given(data=st.data())
def test_power_and_unary_math_match_numpy(data):
    a, chunks = data.draw(arrays())
    x = ta.from_array(np.abs(a), chunks=chunks)
    check((x ** 2).compute(), np.abs(a) ** 2)
    check((2.0 ** x).compute(), 2.0 ** np.abs(a))
    for name in ["sqrt", "exp", "sin", "cos"]:
        check(getattr(ta, name)(x).compute(), getattr(np, name)(np.abs(a)))


@given(data=st.data())
def test_bool_operators_match_numpy(data):
    a, chunks = data.draw(arrays(dtype=np.bool_))
    b = np.random.default_rng(2).random(a.shape) > 0.3
    x, y = ta.from_array(a, chunks=chunks), ta.from_array(b, chunks=chunks)
    check((x & y).compute(), a & b)
    check((x | y).compute(), a | b)
    check((x ^ y).compute(), a ^ b)
    check((~x).compute(), ~a)
    check((x & True).compute(), a & True)


def slices(n):
    return st.builds(
        slice,
        st.one_of(st.none(), st.integers(-n - 1, n + 1)),
        st.one_of(st.none(), st.integers(-n - 1, n + 1)),
        st.one_of(st.none(), st.integers(-3, 3).filter(lambda s: s != 0)),
    )


@given(data=st.data())
def test_slicing_matches_numpy(data):
    a, chunks = data.draw(arrays())
    key = tuple(data.draw(slices(n)) for n in a.shape)
    x = ta.from_array(a, chunks=chunks)
    check(x[key].compute(), a[key])
    check(x[None, ...].compute(), a[None, ...])
    i = data.draw(st.integers(-a.shape[0], a.shape[0] - 1))
    check(x[i].compute(), a[i])
    idx = data.draw(st.lists(st.integers(-a.shape[0], a.shape[0] - 1), min_size=1, max_size=4))
    check(x[idx].compute(), a[idx])


@given(data=st.data())
def test_rechunk_keeps_values(data):
    a, chunks = data.draw(arrays())
    x = ta.from_array(a, chunks=chunks)
    new = tuple(data.draw(st.integers(1, n)) for n in a.shape)
    y = x.rechunk(new)
    assert y.chunksize == new
    check(y.compute(), a)
    z = x.rechunk({0: -1})
    assert z.chunks[0] == (a.shape[0],)
    check(z.compute(), a)
    check(x.rechunk("auto").compute(), a)


@given(data=st.data())
def test_shape_operations_match_numpy(data):
    a, chunks = data.draw(arrays())
    x = ta.from_array(a, chunks=chunks)
    check(x.T.compute(), a.T)
    perm = tuple(data.draw(st.permutations(range(a.ndim))))
    check(x.transpose(perm).compute(), a.transpose(perm))
    check(x.reshape(-1).compute(), a.reshape(-1))
    check(x.ravel().compute(), a.ravel())
    check(x.astype("float32").compute(), a.astype("float32"))
    check(x.astype(np.int64).compute(), a.astype(np.int64))


def test_creation_matches_numpy():
    check(ta.ones((4, 6), chunks=(2, 3)).compute(), np.ones((4, 6)))
    check(ta.zeros((5,), dtype="int32", chunks=2).compute(), np.zeros(5, dtype="int32"))
    check(ta.full((3, 3), 7, chunks=2).compute(), np.full((3, 3), 7))
    check(ta.full((3,), 2.5, chunks=2).compute(), np.full(3, 2.5))
    check(ta.arange(10, chunks=3).compute(), np.arange(10))
    check(ta.arange(1.0, 4.0, 0.5, chunks=3).compute(), np.arange(1.0, 4.0, 0.5))
    check(ta.linspace(0, 1, 11, chunks=4).compute(), np.linspace(0, 1, 11))
    check(ta.linspace(0, 1, 10, endpoint=False, chunks=4).compute(), np.linspace(0, 1, 10, endpoint=False))


def test_from_array_takes_non_contiguous_and_foreign_byte_order():
    base = np.arange(60.0).reshape(6, 10)
    for a in [base[::2, 1::3], base.T, base.astype(">f8"), np.asfortranarray(base)]:
        check(ta.from_array(a, chunks=3).compute(), np.ascontiguousarray(a).astype(a.dtype.newbyteorder("=")))


def test_attributes_are_dasks():
    x = ta.ones((10, 7), chunks=(4, 3), dtype="float32")
    assert x.shape == (10, 7)
    assert x.ndim == 2 and x.size == 70
    assert x.dtype == np.dtype("float32")
    assert x.chunks == ((4, 4, 2), (3, 3, 1))
    assert x.chunksize == (4, 3)
    assert x.npartitions == 9
    assert x.nbytes == 280
    assert repr(x) == "tessera.Array<ones_like, shape=(10, 7), dtype=float32, chunksize=(4, 3), chunktype=ndarray>"
    html = x._repr_html_()
    assert "<svg" in html and "9 chunks in 1 graph layer" in html
    assert np.asarray(x).shape == (10, 7)
    assert float(x.sum()) == 70.0
    assert len(x) == 10


def test_compute_several_arrays_shares_tasks():
    x = ta.random.random((400, 400), chunks=(100, 100), seed=3)
    # The rechunk is work both results need (random chunks are cheap to
    # remake, so tessera makes them again rather than hold them).
    y = (x * 2).rechunk((400, 50))
    a, b = y.sum(), y.mean(axis=0)
    shared = ta._tessera.task_count([a, b])
    alone = ta._tessera.task_count([a]) + ta._tessera.task_count([b])
    assert shared < alone
    ra, rb = ta.compute(a, b)
    check(ra, a.compute())
    check(rb, b.compute())


def test_persist_keeps_values():
    x = ta.random.normal(0, 1, (50, 40), chunks=(10, 20), seed=1)
    (p,) = ta.persist(x + 1)
    check(p.compute(), x.compute() + 1)
    check(x.persist().compute(), x.compute())


def test_random_is_seeded_and_chunk_independent():
    a = ta.random.random((30, 20), chunks=(7, 5), seed=9).compute()
    b = ta.random.random((30, 20), chunks=30, seed=9).compute()
    assert (a == b).all()
    assert 0 <= a.min() and a.max() < 1
    c = ta.random.random((30, 20), chunks=30, seed=10).compute()
    assert not (a == c).all()
    i = ta.random.integers(0, 5, (100,), chunks=10, seed=1).compute()
    assert i.dtype == np.int64 and i.min() >= 0 and i.max() < 5


def test_zarr_round_trip_and_store(tmp_path):
    x = ta.arange(100, chunks=30).reshape(10, 10)
    assert x.to_zarr(tmp_path / "a.zarr") >= 1
    back = ta.from_zarr(tmp_path / "a.zarr")
    check(back.compute(), np.arange(100).reshape(10, 10))
    counts = ta.store([x, x + 1], [tmp_path / "b.zarr", tmp_path / "c.zarr"])
    assert len(counts) == 2
    check(ta.from_zarr(tmp_path / "c.zarr").compute(), np.arange(100).reshape(10, 10) + 1)


def test_config_set_is_a_context_manager():
    before = ta.config.get("scheduler")
    with ta.config.set(scheduler="sync", memory_limit="64MiB"):
        assert ta.config.get("scheduler") == "sync"
        assert ta.config.get("memory_limit") == 64 << 20
        check(ta.ones(10, chunks=3).sum().compute(), np.float64(10))
    assert ta.config.get("scheduler") == before


def test_visualize_writes_the_graph(tmp_path):
    x = ta.ones((4, 4), chunks=2).sum(axis=0)
    x.visualize(tmp_path / "g.dot")
    text = (tmp_path / "g.dot").read_text()
    assert text.startswith("digraph") and "ones" in text
