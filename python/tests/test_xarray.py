"""xarray, a real client: a DataArray wraps a tessera array and stays lazy."""

import numpy as np
import pytest

import tessera as ta

xr = pytest.importorskip("xarray")  # installed by python/setup-venv.sh, so CI runs it


def test_dataarray_wraps_tessera_and_mean_stays_lazy():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((6, 8, 10))
    x = ta.from_array(a, chunks=(2, 4, 5))
    d = xr.DataArray(x, dims=("t", "y", "x"))
    assert isinstance(d.data, ta.Array), type(d.data)
    m = d.mean("t")
    assert isinstance(m.data, ta.Array), type(m.data)
    assert m.dims == ("y", "x")
    np.testing.assert_allclose(m.values, a.mean(axis=0))
    np.testing.assert_allclose(np.asarray(d.sum(("y", "x")).data), a.sum(axis=(1, 2)))


def test_dataarray_arithmetic_and_selection_stay_tessera():
    a = np.arange(24.0).reshape(4, 6)
    d = xr.DataArray(ta.from_array(a, chunks=2), dims=("y", "x"))
    e = (d * 2 + 1).isel(x=slice(1, 4))
    assert isinstance(e.data, ta.Array), type(e.data)
    np.testing.assert_array_equal(e.values, (a * 2 + 1)[:, 1:4])
    np.testing.assert_array_equal(d.max("x").values, a.max(axis=1))
