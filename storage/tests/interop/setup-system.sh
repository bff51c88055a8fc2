#!/usr/bin/env bash
# System packages the HDF5 driver of tessera-storage builds and links against:
# libhdf5-dev (Debian 12: HDF5 1.10.8, serial build) found through pkg-config.
# No environment variable is needed (HDF5_DIR only for an HDF5 outside
# pkg-config's view). Idempotent: reinstalling installed packages is a no-op.
# Runs as root (CI does); otherwise prefix with sudo.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y libhdf5-dev pkg-config
echo "HDF5 $(pkg-config --modversion hdf5) ready"
