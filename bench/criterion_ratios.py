"""Print tessera/ndarray time ratios of a criterion group whose functions are
named `tessera/<op>` and `ndarray/<op>` (ops/benches/elementwise.rs).

    cargo bench -p tessera-ops --bench elementwise
    python3 bench/criterion_ratios.py elementwise [target-dir]
"""

import json
import pathlib
import sys

group = sys.argv[1] if len(sys.argv) > 1 else "elementwise"
target = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else "target")
root = target / "criterion" / group


def mean_ns(side, op):
    est = root / side / op / "new" / "estimates.json"
    if not est.exists():
        # criterion flattens "a/b" ids into "a_b" directories.
        est = root / f"{side}_{op}" / "new" / "estimates.json"
    return json.loads(est.read_text())["mean"]["point_estimate"]


ops = sorted({p.name.split("_", 1)[1] for p in root.glob("tessera_*")}
             | {p.name for p in root.glob("tessera/*")})
print("| op | tessera ms | ndarray loop ms | ratio |")
print("|---|---:|---:|---:|")
worst = 0.0
for op in ops:
    t, n = mean_ns("tessera", op), mean_ns("ndarray", op)
    worst = max(worst, t / n)
    print(f"| {op} | {t / 1e6:.2f} | {n / 1e6:.2f} | {t / n:.2f} |")
print(f"\nworst ratio: {worst:.2f}")
