#!/usr/bin/env bash
# Build the one-folder bundle: dist/kiosk/ (run from anywhere; needs `pip install '.[installer]'`).
# Prints the build time and the bundle's size. A second argument-free run reuses build/ and is faster;
# KIOSK_BUILD_CLEAN=1 starts from nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
clean=()
[ "${KIOSK_BUILD_CLEAN:-0}" = "1" ] && clean=(--clean)
python -m PyInstaller --noconfirm "${clean[@]}" --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/kiosk.spec
seconds=$(( $(date +%s) - started ))
size=$(du -sm dist/kiosk | cut -f1)
echo "bundle: dist/kiosk built in ${seconds} s, ${size} MB"
