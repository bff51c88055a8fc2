"""Python functions as kernels (map_blocks, blockwise, map_overlap) and the
overlap functions, against NumPy and against what Dask's chunks would be,
on the sync and threaded schedulers."""

import numpy as np
import pytest

import tessera as ta

SCHEDULERS = ["sync", "threads"]


@pytest.fixture(params=SCHEDULERS)
def scheduler(request):
    with ta.config.set(scheduler=request.param):
        yield request.param


def test_map_blocks_applies_the_function_to_every_block(scheduler):
    a = np.arange(35.0).reshape(5, 7)
    x = ta.from_array(a, chunks=(2, 3))
    y = x.map_blocks(lambda b: np.sin(b) * 2 + b.shape[0])
    assert y.chunks == x.chunks and y.dtype == np.float64
    want = np.sin(a) * 2 + np.array([2, 2, 2, 2, 1])[:, None]
    np.testing.assert_allclose(y.compute(), want)
    # Extra arguments and keywords go to the function as given.
    z = ta.map_blocks(lambda b, k, *, s: b * k + s, x, 3, s=1.5)
    np.testing.assert_array_equal(z.compute(), a * 3 + 1.5)


def test_map_blocks_infers_or_takes_the_dtype(scheduler):
    x = ta.arange(10, chunks=4)
    assert x.map_blocks(lambda b: b > 3).dtype == np.bool_
    y = x.map_blocks(lambda b: b / 2, dtype=np.float32)
    assert y.dtype == np.float32 and y.compute().dtype == np.float32
    np.testing.assert_array_equal(y.compute(), np.arange(10, dtype=np.float32) / 2)


def test_map_blocks_with_drop_axis_new_axis_and_chunks(scheduler):
    a = np.arange(24.0).reshape(4, 6)
    x = ta.from_array(a, chunks=(2, 3))
    s = x.map_blocks(lambda b: b.sum(axis=1), drop_axis=1)
    assert s.chunks == ((2, 2),)
    np.testing.assert_array_equal(s.compute(), a.sum(axis=1))
    e = x.map_blocks(lambda b: b[..., None] * [1, -1], new_axis=2, chunks=((2, 2), (3, 3), (2,)))
    assert e.shape == (4, 6, 2)
    np.testing.assert_array_equal(e.compute(), a[..., None] * [1, -1])


def test_map_blocks_over_two_arrays_broadcasts_them(scheduler):
    a = np.arange(12.0).reshape(3, 4)
    b = np.arange(4.0)
    x, y = ta.from_array(a, chunks=(2, 2)), ta.from_array(b, chunks=2)
    np.testing.assert_array_equal(ta.map_blocks(np.add, x, y).compute(), a + b)


def test_blockwise_contracts_an_index(scheduler):
    a = np.arange(12.0).reshape(3, 4)
    b = np.arange(8.0).reshape(4, 2)
    x, y = ta.from_array(a, chunks=(2, 2)), ta.from_array(b, chunks=(2, 1))
    z = ta.blockwise(np.dot, "ik", x, "ij", y, "jk", dtype=np.float64)
    assert z.chunks == ((2, 1), (1, 1))
    np.testing.assert_array_equal(z.compute(), a @ b)


@pytest.mark.parametrize("boundary", ["reflect", "periodic", "nearest", "none", 0.5])
def test_map_overlap_matches_numpy_with_each_boundary(scheduler, boundary):
    rng = np.random.default_rng(7)
    a = rng.standard_normal((11, 9))
    x = ta.from_array(a, chunks=(4, 3))
    smooth = lambda b: (np.roll(b, 1, 0) + b + np.roll(b, -1, 0)) / 3  # noqa: E731
    y = x.map_overlap(smooth, depth={0: 1}, boundary=boundary)
    assert y.chunks == x.chunks
    mode = {"reflect": "symmetric", "periodic": "wrap", "nearest": "edge"}
    if boundary == "none":
        got = y.compute()
        # Away from the array's edges every block saw its neighbours: exact.
        np.testing.assert_allclose(got[1:-1], smooth(a)[1:-1])
        return
    padded = (np.pad(a, ((1, 1), (0, 0)), constant_values=boundary) if isinstance(boundary, float)
              else np.pad(a, ((1, 1), (0, 0)), mode=mode[boundary]))
    np.testing.assert_allclose(y.compute(), smooth(padded)[1:-1])


def test_overlap_and_trim_internal_have_dasks_chunks():
    x = ta.arange(6, chunks=3)
    g = ta.overlap.overlap(x, depth=1, boundary="reflect")
    assert g.chunks == ((5, 5),)
    np.testing.assert_array_equal(g.compute(), [0, 0, 1, 2, 3, 2, 3, 4, 5, 5])
    t = ta.overlap.trim_internal(g, {0: 1}, "reflect")
    np.testing.assert_array_equal(t.compute(), np.arange(6))


def test_a_function_that_raises_fails_the_compute_with_its_message():
    x = ta.ones((4,), chunks=2)

    def bad(b):
        raise ZeroDivisionError("no luck")

    y = x.map_blocks(bad, dtype=np.float64)
    with pytest.raises(Exception, match="no luck"):
        y.compute()


def test_bad_arguments_are_typed_errors():
    x = ta.ones((4, 4), chunks=2)
    with pytest.raises(ValueError, match="boundary"):
        x.map_overlap(lambda b: b, depth=1, boundary="mirror")
    with pytest.raises(TypeError):
        x.map_overlap(lambda b: b, depth="deep")
    # Deeper than the chunks: Dask's rechunk makes room; deeper than the array is an error.
    np.testing.assert_array_equal(x.map_overlap(lambda b: b + 1, depth=3).compute(), np.full((4, 4), 2.0))
    with pytest.raises(ValueError):
        x.map_overlap(lambda b: b, depth=5)
    with pytest.raises(TypeError):
        ta.map_blocks(lambda: 1, 3)


def test_the_processes_scheduler_refuses_python_kernels_with_a_clear_error():
    x = ta.ones((4,), chunks=2).map_blocks(lambda b: b + 1)
    with ta.config.set(scheduler="processes"):
        with pytest.raises(Exception, match="(?i)process|closure|python"):
            x.compute()
