"""Stores and exchange from Python: HDF5 files written by h5py, Zarr arrays
written by zarr-python, and DLPack both ways, against NumPy."""

import shutil
import subprocess

import numpy as np
import pytest

import tessera as ta


def _system_has_hdf5():
    if shutil.which("pkg-config") is None:
        return False
    return subprocess.run(["pkg-config", "--exists", "hdf5"]).returncode == 0


def test_the_package_reads_hdf5_where_the_system_has_it():
    # setup-venv.sh builds the hdf5 feature whenever pkg-config finds libhdf5
    # (as `cargo xtask test` and CI provision it): it must then be there.
    assert hasattr(ta, "from_hdf5") == _system_has_hdf5()


@pytest.mark.skipif(not hasattr(ta, "from_hdf5"), reason="built without the hdf5 feature")
def test_from_hdf5_reads_what_h5py_wrote(tmp_path):
    h5py = pytest.importorskip("h5py")
    rng = np.random.default_rng(3)
    data = rng.standard_normal((37, 21)).astype(np.float32)
    data[3, 4] = np.nan
    ints = rng.integers(-1000, 1000, size=(50,), dtype=np.int16)
    path = tmp_path / "data.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("grid/values", data=data, chunks=(10, 7))
        f.create_dataset("ints", data=ints)
    x = ta.from_hdf5(path, "grid/values", chunks=(8, 11))
    assert x.shape == data.shape and x.dtype == np.float32
    assert x.chunks == ((8, 8, 8, 8, 5), (11, 10))
    np.testing.assert_array_equal(x.compute(), data)
    np.testing.assert_allclose(float(ta.nanmean(x).compute()), np.nanmean(data), rtol=1e-5)
    y = ta.from_hdf5(str(path), "ints")
    np.testing.assert_array_equal((y * 2).compute(), ints * 2)
    with pytest.raises(OSError):
        ta.from_hdf5(path, "missing").compute()
    with pytest.raises(OSError):
        ta.from_hdf5(tmp_path / "nowhere.h5", "ints").compute()


def test_from_zarr_reads_what_zarr_python_wrote_and_to_zarr_round_trips(tmp_path):
    zarr = pytest.importorskip("zarr")
    data = np.arange(6 * 9, dtype=np.int64).reshape(6, 9) - 20
    z = zarr.create_array(str(tmp_path / "a.zarr"), shape=data.shape, chunks=(4, 4), dtype="int64")
    z[...] = data
    x = ta.from_zarr(tmp_path / "a.zarr")
    assert x.chunks == ((4, 2), (4, 4, 1))
    np.testing.assert_array_equal(x.compute(), data)
    (x.T + 1).to_zarr(tmp_path / "b.zarr")
    back = zarr.open_array(str(tmp_path / "b.zarr"), mode="r")
    np.testing.assert_array_equal(back[...], data.T + 1)


def test_dlpack_both_ways():
    a = np.linspace(-1, 1, 12).reshape(3, 4)
    x = ta.from_dlpack(a)
    assert x.chunks == ((3,), (4,))
    np.testing.assert_array_equal(x.compute(), a)
    # A tessera array is a DLPack producer: NumPy takes it (computed).
    np.testing.assert_array_equal(np.from_dlpack(x * 2), a * 2)
    assert x.__dlpack_device__() == (1, 0)
    with pytest.raises(ValueError):
        ta.from_dlpack(a, device="gpu")
