"""The Dask array tutorial's cells, run with tessera in place of dask.array.

    python python/examples/tutorial.py            # the tutorial's sizes (writes 3 GiB of Zarr to a temp dir)
    python python/examples/tutorial.py --small    # the Zarr section at 1/100 of the size

Each cell prints what the notebook shows: the summary table (bytes, shape,
"N chunks in M graph layers", dtype), chunk sizes, and computed values.
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

import tessera as da  # in place of: import dask.array as da


def cell(title):
    print(f"\n## {title}")


def show(x):
    print(repr(x))
    print(x.summary())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="the Zarr section at 1/100 of the size")
    args = parser.parse_args()

    cell("Blocked algorithms")
    a_np = np.ones(10)
    a_np_sum = a_np[:5].sum() + a_np[5:].sum()
    print(a_np_sum)
    a_da = da.ones(10, chunks=5)
    show(a_da)
    a_da_sum = a_da.sum()
    show(a_da_sum)
    print(a_da_sum.compute())

    cell("Dask array version")
    xd = da.random.normal(10, 0.1, size=(30_000, 30_000), chunks=(3000, 3000))
    show(xd)
    yd = xd.mean(axis=0)
    show(yd)
    t0 = time.perf_counter()
    values = yd.compute()
    print(values)
    print(f"Wall time: {time.perf_counter() - t0:.2f} s")

    cell("Choosing good chunk sizes")
    darr = da.random.random((1000, 1000, 1000))
    show(darr)
    print(darr.chunksize)
    print(darr.chunks)
    darr = darr.rechunk({0: -1, 1: 100, 2: "auto"})
    show(darr)
    print(darr.chunksize)
    print(darr.chunks)

    cell("Example of chunked data with Zarr")
    n = 2_000_000 if args.small else 200_000_000
    data = Path(tempfile.mkdtemp(prefix="tessera-tutorial-"))
    try:
        # prep.py -d random: the same array in big and small chunks.
        da.random.random(n, chunks=n // 32, seed=0).to_zarr(data / "random.zarr")
        da.random.random(n, chunks=n // 20_000, seed=0).to_zarr(data / "random_sc.zarr")
        a = da.from_zarr(data / "random.zarr")
        show(a)
        t0 = time.perf_counter()
        print(a.mean().compute())
        print(f"Wall time: {time.perf_counter() - t0:.2f} s")
        b = da.from_zarr(data / "random_sc.zarr")
        show(b)
        t0 = time.perf_counter()
        print(b.mean().compute())
        print(f"Wall time: {time.perf_counter() - t0:.2f} s")
    finally:
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
