#!/usr/bin/env bash
# System packages the HDF5 driver of tessera-storage builds and links against:
# libhdf5-dev (Debian 12: HDF5 1.10.8, serial build) found through pkg-config;
# and Graphviz (`dot`), which the SVG output of `visualize` runs (its tests
# skip nothing when it is there).
# No environment variable is needed (HDF5_DIR only for an HDF5 outside
# pkg-config's view). Idempotent and quick when HDF5 is already there; runs
# apt-get as root, through sudo otherwise.
set -euo pipefail

if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists hdf5 && command -v dot >/dev/null 2>&1; then
    echo "HDF5 $(pkg-config --modversion hdf5) ready"
    exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
    sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y libhdf5-dev pkg-config graphviz
echo "HDF5 $(pkg-config --modversion hdf5) ready"
