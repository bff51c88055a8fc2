"""The tutorial script runs with `import tessera as da` and prints the tutorial's figures."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "tutorial.py"


def test_tutorial_prints_the_tutorials_figures():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--small"], capture_output=True, text=True, check=True, timeout=600
    ).stdout
    # The figures of the notebook's cells, in order.
    for figure in [
        "10.0",
        "80 B",
        "2 chunks in 1 graph layer",
        "1 chunks in 3 graph layers",
        "6.71 GiB",
        "68.66 MiB",
        "100 chunks in 1 graph layer",
        "234.38 kiB",
        "10 chunks in 4 graph layers",
        "7.45 GiB",
        "126.51 MiB",
        "(255, 255, 255)",
        "((255, 255, 255, 235), (255, 255, 255, 235), (255, 255, 255, 235))",
        "127.41 MiB",
        "60 chunks in 2 graph layers",
        "(1000, 100, 167)",
        "(167, 167, 167, 167, 167, 165)",
        "32 chunks in 2 graph layers",
        "20000 chunks in 2 graph layers",
    ]:
        assert figure in out, f"{figure!r} missing from:\n{out}"
    # The means of uniform values in [0, 1) are near 0.5, the normal means near 10.
    lines = out.splitlines()
    means = [float(l) for l in lines if l.startswith("0.5") or l.startswith("0.4")]
    assert len(means) == 2 and all(abs(m - 0.5) < 0.01 for m in means), means
