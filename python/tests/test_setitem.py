"""``x[key] = value`` against NumPy's assignment over random shapes,
chunkings and keys; the array stays lazy and keeps its chunks."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tessera as ta


@st.composite
def array_and_key(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 6)) for _ in range(ndim))
    chunks = tuple(draw(st.integers(1, n)) for n in shape)
    key = []
    for n in shape:
        kind = draw(st.sampled_from(["int", "slice", "step", "all"]))
        if kind == "int":
            key.append(draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            a, b = sorted(draw(st.lists(st.integers(-n - 1, n + 1), min_size=2, max_size=2)))
            key.append(slice(a, b))
        elif kind == "step":
            key.append(slice(None, None, draw(st.sampled_from([2, 3, -1]))))
        else:
            key.append(slice(None))
    return shape, chunks, tuple(key)


@settings(max_examples=60, deadline=None)
@given(array_and_key(), st.sampled_from([-1.5, np.nan, 0.0, np.inf]))
def test_scalar_assignment_matches_numpy(case, value):
    shape, chunks, key = case
    a = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    x = ta.from_array(a, chunks=chunks)
    x[key] = value
    a[key] = value
    assert x.chunks == ta.from_array(a, chunks=chunks).chunks
    np.testing.assert_array_equal(x.compute(), a)


@settings(max_examples=40, deadline=None)
@given(array_and_key())
def test_array_assignment_into_a_region_matches_numpy(case):
    shape, chunks, key = case
    a = np.arange(np.prod(shape), dtype=np.int32).reshape(shape)
    region = a[key]
    if any(isinstance(k, slice) and k.step not in (None, 1) for k in key):
        x = ta.from_array(a, chunks=chunks)
        with pytest.raises(NotImplementedError):
            x[key] = np.ones(region.shape)
        return
    value = -np.arange(region.size).reshape(region.shape) - 100
    x = ta.from_array(a, chunks=chunks)
    x[key] = value
    a[key] = value
    assert x.dtype == np.int32
    np.testing.assert_array_equal(x.compute(), a)


def test_mask_assignment_as_dask():
    a = np.linspace(-2, 2, 30).reshape(5, 6)
    x = ta.from_array(a, chunks=(2, 4))
    x[x < 0] = 0
    a[a < 0] = 0
    np.testing.assert_array_equal(x.compute(), a)
    y = x  # the same object: assignment changes what both names see, as NumPy
    x[...] = 7
    np.testing.assert_array_equal(y.compute(), np.full((5, 6), 7.0))


def test_bad_assignments_are_typed_errors():
    x = ta.ones((4, 4), chunks=2)
    with pytest.raises(IndexError):
        x[5] = 1
    with pytest.raises(IndexError):
        x[0, 0, 0] = 1
    with pytest.raises(ValueError):
        x[0:2, 0] = np.ones(3)
    with pytest.raises(IndexError):
        x[ta.ones((3,), dtype=bool)] = 1
