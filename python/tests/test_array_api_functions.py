"""The Array API functions beyond elementwise math, against NumPy over
random shapes, chunkings and dtypes (NaN and -0.0 included where they matter)."""

import numpy as np
import pytest

import tessera as ta

RNG = np.random.default_rng(11)
CHUNKINGS = [1, 2, 3, 5, "auto"]


def data(shape, dtype):
    a = RNG.standard_normal(shape) * 10
    if np.dtype(dtype).kind in "iu":
        return np.abs(a).astype(dtype) if np.dtype(dtype).kind == "u" else a.astype(dtype)
    return a.astype(dtype)


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_matmul_and_friends(chunks, dtype):
    a, b = data((7, 5), dtype), data((5, 4), dtype)
    x, y = ta.from_array(a, chunks=chunks), ta.from_array(b, chunks=chunks)
    np.testing.assert_allclose((x @ y).compute(), a @ b, rtol=1e-5)
    np.testing.assert_allclose(ta.matmul(x, y).compute(), a @ b, rtol=1e-5)
    np.testing.assert_allclose((a @ y).compute(), a @ b, rtol=1e-5)  # NumPy on the left
    np.testing.assert_allclose(ta.tensordot(x, y, axes=1).compute(), np.tensordot(a, b, 1), rtol=1e-5)
    np.testing.assert_allclose(
        ta.tensordot(x, x, axes=([0], [0])).compute(), np.tensordot(a, a, ([0], [0])), rtol=1e-5
    )
    np.testing.assert_allclose(ta.vecdot(x, x).compute(), np.vecdot(a, a), rtol=1e-5)
    np.testing.assert_allclose(x.mT.compute(), a.T)


def test_matmul_promotes_and_refuses_0d():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    b = np.ones((3, 2), dtype=np.float32)
    got = (ta.from_array(a, chunks=2) @ ta.from_array(b, chunks=2)).compute()
    np.testing.assert_allclose(got, a @ b)
    assert got.dtype == (a @ b).dtype
    with pytest.raises(ValueError, match="matmul"):
        ta.ones((), chunks=1) @ ta.ones(3, chunks=1)


@pytest.mark.parametrize("chunks", CHUNKINGS)
@pytest.mark.parametrize("dtype", ["float64", "int32", "uint8", "bool"])
def test_sort_argsort_searchsorted(chunks, dtype):
    a = data((6, 9), dtype) if dtype != "bool" else RNG.random((6, 9)) > 0.5
    if dtype == "float64":
        a[1, 2], a[3, 4], a[0, 0] = np.nan, -0.0, 0.0
    x = ta.from_array(a, chunks=chunks)
    for axis in (0, 1, -1):
        np.testing.assert_array_equal(ta.sort(x, axis=axis).compute(), np.sort(a, axis=axis))
        np.testing.assert_array_equal(
            ta.argsort(x, axis=axis).compute(), np.argsort(a, axis=axis, kind="stable")
        )
        np.testing.assert_array_equal(
            ta.sort(x, axis=axis, descending=True).compute(),
            np.flip(np.sort(a, axis=axis), axis=axis),  # NaN first, as the standard asks
        )
    s = np.sort(a.ravel())
    v = a[:2].ravel()
    for side in ("left", "right"):
        got = ta.searchsorted(ta.from_array(s, chunks=chunks), ta.from_array(v, chunks=chunks), side=side)
        np.testing.assert_array_equal(got.compute(), np.searchsorted(s, v, side=side))


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_unique_family_and_nonzero(chunks):
    a = RNG.integers(-3, 4, size=(5, 7)).astype(np.float64)
    a[0, 1] = np.nan
    a[2, 2] = -0.0
    x = ta.from_array(a, chunks=chunks)
    np.testing.assert_array_equal(ta.unique_values(x).compute(), np.unique_values(a))
    v, c = ta.unique_counts(x)
    ev, ec = np.unique_counts(a)
    np.testing.assert_array_equal(v.compute(), ev)
    np.testing.assert_array_equal(c.compute(), ec)
    v, inv = ta.unique_inverse(x)
    np.testing.assert_array_equal(v.compute()[inv.compute()], np.where(np.isnan(a), np.nan, a))
    v, idx, inv, c = ta.unique_all(x)
    assert idx.shape == v.shape and inv.shape == a.shape
    for got, want in zip(ta.nonzero(x), np.nonzero(a)):
        np.testing.assert_array_equal(got.compute(), want)
    empty = ta.from_array(np.zeros((0, 3)), chunks=chunks)
    assert ta.unique_values(empty).shape == (0,)
    assert [i.shape for i in ta.nonzero(empty)] == [(0,), (0,)]


@pytest.mark.parametrize("chunks", CHUNKINGS)
def test_creation_and_shape_functions(chunks):
    np.testing.assert_array_equal(ta.eye(5, 7, k=2, dtype="int16", chunks=chunks).compute(), np.eye(5, 7, 2, dtype="int16"))
    a = data((4, 6), "float64")
    x = ta.from_array(a, chunks=chunks)
    for k in (-2, 0, 3):
        np.testing.assert_array_equal(ta.tril(x, k=k).compute(), np.tril(a, k))
        np.testing.assert_array_equal(ta.triu(x, k=k).compute(), np.triu(a, k))
    np.testing.assert_array_equal(ta.tile(x, (2, 1)).compute(), np.tile(a, (2, 1)))
    np.testing.assert_array_equal(ta.repeat(x, 3, axis=1).compute(), np.repeat(a, 3, axis=1))
    np.testing.assert_array_equal(ta.repeat(x, 2).compute(), np.repeat(a, 2))
    for i, u in enumerate(ta.unstack(x, axis=1)):
        np.testing.assert_array_equal(u.compute(), a[:, i])
    np.testing.assert_array_equal(ta.flip(x).compute(), np.flip(a))
    np.testing.assert_array_equal(ta.flip(x, axis=1).compute(), np.flip(a, 1))
    np.testing.assert_array_equal(ta.roll(x, 3).compute(), np.roll(a, 3))
    np.testing.assert_array_equal(ta.roll(x, (1, -2), axis=(0, 1)).compute(), np.roll(a, (1, -2), (0, 1)))
    np.testing.assert_array_equal(ta.moveaxis(x, 0, 1).compute(), np.moveaxis(a, 0, 1))
    np.testing.assert_array_equal(ta.diff(x, axis=0, n=2).compute(), np.diff(a, 2, axis=0))
    np.testing.assert_array_equal(ta.take(x, [3, 0, 0], axis=1).compute(), np.take(a, [3, 0, 0], 1))
    idx = RNG.integers(0, 6, size=(4, 2))
    np.testing.assert_array_equal(
        ta.take_along_axis(x, ta.from_array(idx, chunks=chunks), axis=1).compute(),
        np.take_along_axis(a, idx, 1),
    )
    np.testing.assert_array_equal(ta.broadcast_to(x[0], (3, 6)).compute(), np.broadcast_to(a[0], (3, 6)))


def test_broadcast_arrays_and_meshgrid_keep_each_dtype():
    i = ta.arange(3, chunks=2)  # int64
    f = ta.from_array(np.array([0.5, 1.5], dtype=np.float32), chunks=1)
    bi, bf = ta.broadcast_arrays(i[None, :], f[:, None])
    assert bi.dtype == np.int64 and bf.dtype == np.float32
    ei, ef = np.broadcast_arrays(np.arange(3)[None, :], np.array([0.5, 1.5], np.float32)[:, None])
    np.testing.assert_array_equal(bi.compute(), ei)
    np.testing.assert_array_equal(bf.compute(), ef)
    for indexing in ("xy", "ij"):
        got = ta.meshgrid(i, f, ta.arange(4, chunks=3), indexing=indexing)
        want = np.meshgrid(np.arange(3), np.array([0.5, 1.5], np.float32), np.arange(4), indexing=indexing)
        for g, w in zip(got, want):
            assert g.dtype == w.dtype
            np.testing.assert_array_equal(g.compute(), w)
    with pytest.raises(ValueError):
        ta.broadcast_arrays(ta.ones(3, chunks=1), ta.ones(4, chunks=1))


def test_numpy_ufuncs_on_tessera_arrays_stay_lazy():
    a = RNG.standard_normal((6, 4))
    x = ta.from_array(a, chunks=3)
    for got, want in [
        (np.sin(x), np.sin(a)),
        (np.add(x, 1), a + 1),
        (a @ x.T, a @ a.T),
        (np.absolute(x), np.abs(a)),
        (np.arctan2(x, 2.0), np.arctan2(a, 2.0)),
        (a[0] + x, a[0] + a),
    ]:
        assert isinstance(got, ta.Array), type(got)
        np.testing.assert_allclose(got.compute(), want)
    # A ufunc tessera lacks computes and gives NumPy's answer.
    np.testing.assert_allclose(np.spacing(x), np.spacing(a))


def test_index_arrays_of_any_dimensions_and_lazy_ones():
    a = np.arange(2 * 3 * 4, dtype=np.int32).reshape(2, 3, 4)
    x = ta.from_array(a, chunks=(1, 2, 3))
    i = np.array([[2, 0], [1, 1]])
    np.testing.assert_array_equal(x[1, i].compute(), a[1, i])
    np.testing.assert_array_equal(x[:, :, i].compute(), a[:, :, i])
    # A tessera array as the index (even of one element) indexes, it is not an int.
    j = ta.asarray(np.array([1], dtype=np.int32))
    np.testing.assert_array_equal(x[0, 0, j].compute(), a[0, 0, [1]])
    s = ta.asarray(np.array(True))
    np.testing.assert_array_equal(s[s].compute(), np.array(True)[np.array(True)])
    np.testing.assert_array_equal(x[ta.asarray(np.array(False))].compute(), a[np.array(False)])


def test_repeat_with_a_count_per_element():
    a = np.arange(6.0).reshape(2, 3)
    x = ta.from_array(a, chunks=(1, 2))
    np.testing.assert_array_equal(ta.repeat(x, ta.asarray(np.array([1, 0, 2])), axis=1).compute(),
                                  np.repeat(a, [1, 0, 2], axis=1))
    np.testing.assert_array_equal(x.repeat([2, 1], axis=0).compute(), np.repeat(a, [2, 1], axis=0))
