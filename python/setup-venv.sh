#!/usr/bin/env bash
# Install the tessera Python package into the test venv (<workspace>/target/py-venv,
# or the directory given as $1) with what its tests need: maturin, pytest,
# hypothesis and the Array API suite's requirements, and xarray (a real client). Rebuilds the package every
# run (maturin through pip, release build) so the tests see the current source.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workspace="$(cd "$here/.." && pwd)"
venv="${1:-$workspace/target/py-venv}"

bash "$workspace/storage/tests/interop/setup-venv.sh" "$venv"
"$venv/bin/python" -c 'import maturin, pytest, hypothesis, ndindex, pytest_jsonreport, xarray' 2>/dev/null ||
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "maturin==1.16.0" "pytest==9.2.0" "hypothesis==6.170.17" "ndindex==1.10.1" "pytest-json-report==1.5.0" "xarray==2026.9.0"
# --no-build-isolation: the venv's maturin builds it (no download per run; on PATH for pip).
export PATH="$venv/bin:$PATH"
# With the system libhdf5 (pkg-config finds it; storage/tests/interop/setup-system.sh
# installs it), the package gets `tessera.from_hdf5`; without it, it builds on Rust alone.
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists hdf5; then
    export MATURIN_PEP517_ARGS="--features hdf5"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation \
    --force-reinstall --no-deps "$here"
"$venv/bin/python" -c 'import tessera; print("tessera for Python ready:", tessera.__file__)'
