"""``ta.config``: tessera's settings (the Rust facade's ``tessera::config``).

``ta.config.set(scheduler="sync", memory_limit="2GiB")`` changes them for
the process; used as a context manager (``with ta.config.set(...):``) it
restores the previous ones on exit. Environment variables
(``TESSERA_SCHEDULER``, ``TESSERA_MEMORY_LIMIT``, ``TESSERA_NUM_WORKERS``,
``TESSERA_CHUNK_SIZE``) set the defaults, as in Rust.
"""

from . import _tessera

__all__ = ["get", "set"]


def get(key=None):
    """The settings as a dict, or one of them."""
    settings = _tessera.config_get()
    return settings if key is None else settings[key.replace("-", "_")]


class set:  # noqa: N801 - dask.config.set is a class used as a function
    """Change settings now; as a context manager, restore them on exit."""

    def __init__(self, **settings):
        self._previous = _tessera.config_get()
        _tessera.config_set(**settings)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        prev = dict(self._previous)
        _tessera.config_set(**prev)
        return False
