"""Bad input raises the Python exception its kind calls for, with tessera's message."""

import numpy as np
import pytest

import tessera as ta


def test_shapes_that_do_not_broadcast_are_a_value_error():
    with pytest.raises(ValueError, match=r"add of arrays of shapes \(10,\) and \(3,\)"):
        ta.ones(10, chunks=5) + ta.ones(3, chunks=3)


def test_bad_axis_is_a_value_error_naming_the_operation():
    with pytest.raises(ValueError, match=r"mean of an array of shape \(4, 6\)"):
        ta.ones((4, 6), chunks=2).mean(axis=2)


def test_index_out_of_range_is_an_index_error():
    x = ta.ones((4, 6), chunks=2)
    with pytest.raises(IndexError):
        x[10]
    with pytest.raises(IndexError):
        x[0, 0, 0]
    with pytest.raises(IndexError):
        x["a"]


def test_dtypes_are_type_errors():
    with pytest.raises(TypeError):
        ta.ones(3, dtype="U5")
    with pytest.raises(TypeError):
        ta.ones(3, chunks=1) & ta.ones(3, chunks=1)
    with pytest.raises(TypeError):
        ~ta.ones(3, chunks=1)
    with pytest.raises(TypeError):
        ta.ones(3, dtype=bool).sqrt()


def test_bad_chunks_are_value_or_type_errors():
    with pytest.raises(ValueError):
        ta.ones((4, 6), chunks=(2, 2, 2))
    with pytest.raises(ValueError):
        ta.ones(10, chunks=(3, 3))
    with pytest.raises(TypeError):
        ta.ones(10, chunks=1.5)
    with pytest.raises(ValueError):
        ta.ones(-1)


def test_missing_stores_are_os_errors(tmp_path):
    with pytest.raises(OSError):
        ta.from_zarr(tmp_path / "nothing.zarr")


def test_memory_budget_is_a_memory_error():
    x = ta.ones((1000, 1000), chunks=(1000, 1000))
    with ta.config.set(memory_limit=1000):
        with pytest.raises(MemoryError):
            x.sum().compute()


def test_unknown_settings_and_schedulers_are_value_errors():
    with pytest.raises(ValueError, match="no setting"):
        ta.config.set(nothing=1)
    with pytest.raises(ValueError, match="not a scheduler"):
        ta.config.set(scheduler="gpu")


def test_ambiguous_truth_is_a_value_error():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(ta.ones(3, chunks=1))


def test_unsupported_operands_are_type_errors():
    with pytest.raises(TypeError):
        ta.ones(3, chunks=1) + "a"
    with pytest.raises(TypeError):
        ta.ones(3, chunks=1) + object()


def test_numpy_arrays_combine_with_tessera_arrays():
    a = np.arange(3.0)
    np.testing.assert_array_equal((ta.ones(3, chunks=2) + a).compute(), 1 + a)
