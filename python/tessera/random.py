"""``ta.random``: random arrays from tessera's counter-based generator.

The same seed gives the same values as the Rust API (``tessera::random``),
whatever the chunks and the scheduler. ``seed`` defaults to 0 (Dask draws a
fresh seed; tessera is reproducible unless told otherwise).
"""

from . import _tessera

__all__ = ["random", "random_sample", "uniform", "normal", "standard_normal", "integers", "randint"]


def random(size=None, chunks="auto", seed=0):
    """Uniform floats in [0, 1) (``da.random.random``)."""
    return _tessera.random("random", 0.0, 1.0, () if size is None else size, chunks, seed)


random_sample = random


def uniform(low=0.0, high=1.0, size=None, chunks="auto", seed=0):
    """Uniform floats in [low, high)."""
    return _tessera.random("uniform", low, high, () if size is None else size, chunks, seed)


def normal(loc=0.0, scale=1.0, size=None, chunks="auto", seed=0):
    """Normal floats with mean ``loc`` and standard deviation ``scale``."""
    return _tessera.random("normal", loc, scale, () if size is None else size, chunks, seed)


def standard_normal(size=None, chunks="auto", seed=0):
    """Standard normal floats."""
    return _tessera.random("standard_normal", 0.0, 1.0, () if size is None else size, chunks, seed)


def integers(low, high=None, size=None, chunks="auto", seed=0):
    """Uniform int64 in [low, high) (``Generator.integers``; one bound: [0, low))."""
    if high is None:
        low, high = 0, low
    return _tessera.random("integers", low, high, () if size is None else size, chunks, seed)


randint = integers


class RandomState:
    """``da.random.RandomState(seed)``: the functions above with a fixed seed."""

    def __init__(self, seed=0):
        self.seed = seed

    def random(self, size=None, chunks="auto"):
        return random(size, chunks, self.seed)

    random_sample = random

    def uniform(self, low=0.0, high=1.0, size=None, chunks="auto"):
        return uniform(low, high, size, chunks, self.seed)

    def normal(self, loc=0.0, scale=1.0, size=None, chunks="auto"):
        return normal(loc, scale, size, chunks, self.seed)

    def standard_normal(self, size=None, chunks="auto"):
        return standard_normal(size, chunks, self.seed)

    def randint(self, low, high=None, size=None, chunks="auto"):
        return integers(low, high, size, chunks, self.seed)


default_rng = RandomState
