"""Running computations from Python: the processes scheduler, Ctrl-C, progress."""

import _thread
import io
import threading

import numpy as np
import pytest

import tessera as ta
from tessera.diagnostics import ProgressBar

SCHEDULERS = ["sync", "threads", "processes"]


@pytest.mark.parametrize("scheduler", SCHEDULERS)
def test_every_scheduler_matches_numpy(scheduler):
    rng = np.random.default_rng(7)
    a = rng.standard_normal((37, 23))
    x = ta.from_array(a, chunks=(10, 6))
    with ta.config.set(scheduler=scheduler, num_workers=2):
        assert ta.config.get("scheduler") == scheduler
        np.testing.assert_allclose((x * 2 + 1).sum(axis=0).compute(), (a * 2 + 1).sum(axis=0))
        np.testing.assert_allclose(np.asarray(x.T @ x), a.T @ a)
        m, s = ta.compute(x.mean(), x.std(axis=1))
        np.testing.assert_allclose(m, a.mean())
        np.testing.assert_allclose(s, a.std(axis=1))
        p = x[::2].persist()
        np.testing.assert_array_equal(p.compute(), a[::2])


def test_processes_workers_do_not_rerun_the_script(tmp_path):
    """A script using the processes scheduler runs once: its workers start
    from the package, not from the script (which would print again)."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "import tessera as ta\n"
        "print('script ran')\n"
        "ta.config.set(scheduler='processes', num_workers=2)\n"
        "print(float(ta.arange(1000, chunks=10).sum().compute()))\n"
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["script", "ran", "499500.0"]


def test_processes_errors_are_python_exceptions(tmp_path):
    ta.ones((4, 4), chunks=2).to_zarr(str(tmp_path / "z"))
    x = ta.from_zarr(str(tmp_path / "z"))
    (tmp_path / "z" / "c" / "1" / "1").write_bytes(b"garbage")
    with ta.config.set(scheduler="processes", num_workers=2):
        with pytest.raises((OSError, RuntimeError)):
            x.sum().compute()
        assert float(ta.ones(10, chunks=3).sum().compute()) == 10.0


def _slow_matmul():
    # Thousands of block products: seconds of work, so an interrupt lands mid-run.
    x = ta.random.random((3000, 3000), chunks=(150, 150))
    return (x @ x.T).sum()


@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_ctrl_c_cancels_a_compute_and_the_engine_works_after(scheduler):
    y = _slow_matmul()
    bar = ProgressBar(out=io.StringIO(), minimum=1e9)  # counts, never draws
    with ta.config.set(scheduler=scheduler, num_workers=2), bar:
        timer = threading.Timer(0.5, _thread.interrupt_main)
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                y.compute()
        finally:
            timer.cancel()
        done, total = bar.last_counts
        assert total > 0 and done < total, (done, total)
        assert float(ta.ones((10, 10), chunks=3).sum().compute()) == 100.0


def test_progress_bar_draws_to_completion():
    out = io.StringIO()
    x = ta.ones((200, 200), chunks=20)
    with ProgressBar(out=out):
        assert float((x + 1).sum().compute()) == 80000.0
    text = out.getvalue()
    assert "100% Completed" in text, text
    assert text.endswith("\n")
    # Outside the block nothing is drawn.
    x.sum().compute()
    assert out.getvalue() == text


def test_a_failing_progress_callback_does_not_lose_the_result():
    class Broken(ProgressBar):
        def _draw(self, *a):
            raise RuntimeError("bar exploded")

    with Broken():
        assert float(ta.ones(10, chunks=3).sum().compute()) == 10.0


def test_processes_scheduler_is_accepted_by_name():
    with ta.config.set(scheduler="multiprocessing"):
        assert ta.config.get("scheduler") == "processes"
    with pytest.raises(ValueError, match="processes"):
        ta.config.set(scheduler="dask-distributed")
