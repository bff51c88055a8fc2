#!/usr/bin/env bash
# Create (or reuse) the Python venv the Zarr interop tests run with:
# <workspace>/target/py-venv, or the directory given as $1.
# Idempotent: a venv that already imports the pinned packages is left alone.
# The tests find it by themselves; TESSERA_PYTHON overrides it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
workspace="$(cd "$here/../../.." && pwd)"
venv="${1:-$workspace/target/py-venv}"
python="${PYTHON:-python3}"
# Pins: zarr-python 3.1 is what the interop script is written against.
packages=("zarr==3.1.*" "numpy==2.*" "h5py==3.*")

if [ -x "$venv/bin/python" ] && "$venv/bin/python" - <<'PY' 2>/dev/null
import h5py, numpy, zarr
assert zarr.__version__.startswith("3.1."), zarr.__version__
assert numpy.__version__.startswith("2."), numpy.__version__
PY
then
    echo "py-venv ready: $venv"
    exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}"
"$venv/bin/python" -c 'import zarr, numpy, h5py; print("py-venv ready:", zarr.__version__, numpy.__version__, h5py.__version__)'
