"""``ta.diagnostics``: Dask's ``dask.diagnostics.ProgressBar`` for tessera.

``with ProgressBar(): x.compute()`` draws a bar of tasks done while any
computation in the block runs (``compute``, ``persist``, ``store``,
``to_zarr``). The Rust side counts tasks; the Python thread that waits for
the result draws the bar every 50 ms, so it shows wherever ``sys.stdout``
goes, a notebook included.
"""

from __future__ import annotations

import sys
import time

from . import _tessera

__all__ = ["ProgressBar"]


class ProgressBar:
    """A text bar ``[####    ] | 45% Completed | 1.2s`` as Dask draws it.

    ``minimum``: seconds a computation must run before the bar shows;
    ``width``: characters of the bar; ``out``: where to write (stdout);
    ``dt``: seconds between redraws.
    """

    def __init__(self, minimum=0.0, width=40, dt=0.1, out=None):
        self.minimum = minimum
        self.width = width
        self.dt = dt
        self._out = out
        self._start = None
        self._last = 0.0
        self._drawn = False
        self.last_counts = (0, 0)

    def __enter__(self):
        self._start = None
        _tessera.set_progress(self._report)
        return self

    def __exit__(self, *exc):
        _tessera.set_progress(None)
        return False

    # Called by the waiting thread with the tasks done, the tasks in total and
    # whether this computation has finished.
    def _report(self, done, total, finished):
        now = time.monotonic()
        if self._start is None:
            self._start = now
        self.last_counts = (done, total)
        elapsed = now - self._start
        if elapsed < self.minimum and not (finished and self._drawn):
            return
        if not finished and now - self._last < self.dt:
            return
        self._last = now
        self._draw(done, total, elapsed, finished)
        if finished:
            self._start = None

    def _draw(self, done, total, elapsed, finished):
        out = self._out if self._out is not None else sys.stdout
        frac = done / total if total else 1.0
        bar = "#" * int(self.width * frac)
        line = f"\r[{bar:<{self.width}}] | {frac:4.0%} Completed | {elapsed:.1f}s"
        out.write(line + ("\n" if finished else ""))
        out.flush()
        self._drawn = not finished
