"""What the zarr-python and h5py interop scripts share: the sample data both
sides generate and the way a manifest records an array's values."""

import numpy as np

# Arrays up to this many elements carry their values; larger ones a checksum.
MAX_LISTED = 512


def fnv1a64(data: bytes) -> str:
    """FNV-1a, 64 bit: the checksum both sides compute over little-endian bytes."""
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def le_bytes(a: np.ndarray) -> bytes:
    return np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")).tobytes()


def sample(dtype: str, shape, seed: int) -> np.ndarray:
    """Deterministic values exactly representable in JSON and in every dtype."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.int64)
    if dtype == "bool":
        v = (i * 7 + seed) % 3 == 0
    elif dtype.startswith("float"):
        v = ((i * 37 + seed) % 203) * 0.25 - 17.5  # dyadic: exact in binary and text
    elif dtype.startswith("complex"):
        v = (((i * 37 + seed) % 203) * 0.25 - 17.5) + 1j * ((i * 11 + seed) % 17 - 8)
    elif dtype.startswith("uint"):
        v = (i * 31 + seed) % 251
        if dtype == "uint64":
            v = v.astype(np.uint64) + np.uint64(2**63)  # beyond int64 and f64 precision
    else:
        v = (i * 31 + seed) % 241 - 120
        if dtype == "int64":
            v = v * 2**40
    return np.asarray(v).astype(dtype).reshape(shape)


def values_or_checksum(expected: np.ndarray, listable: bool = True) -> dict:
    """Small arrays carry their values; larger ones (or unlistable, e.g. complex) a checksum."""
    if listable and expected.size <= MAX_LISTED:
        return {"values": expected.reshape(-1).tolist()}
    return {"fnv1a64": fnv1a64(le_bytes(expected))}
