#!/usr/bin/env bash
# Run the built bundle as an operator would, offscreen, on throwaway data: a broken bundle fails here.
#   bash installer/smoke.sh [dist/kiosk]
set -euo pipefail
bundle=$(cd "${1:-$(dirname "$0")/../dist/kiosk}" && pwd)
kiosk="$bundle/kiosk"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# No settings file: the bundle's defaults, on its own data directory (CI sets no other KIOSK_* setting).
run() {
  QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES='qt.qpa.*=false' \
    KIOSK_CONFIG="$scratch/absent.toml" KIOSK_DATA_DIR="$scratch/data" "$kiosk" "$@"
}
fail() { echo "bundle smoke: FAILED: $*" >&2; exit 1; }

version=$(run --version)
echo "bundle smoke: $version"
[[ "$version" =~ ^kiosk\ [0-9] ]] || fail "--version printed '$version'"

# One visitor checks in through the real kiosk window and the ticket prints to PDF (read back).
run self-test --visits 2 --pdf-dir "$scratch/pdf" >"$scratch/self-test.txt" 2>&1 || {
  cat "$scratch/self-test.txt" >&2
  fail "self-test"
}
grep -q "self-test passed: 2 visitor(s) checked in, tickets printed" "$scratch/self-test.txt" \
  || fail "self-test did not pass: $(cat "$scratch/self-test.txt")"
grep -q "Traceback" "$scratch/self-test.txt" && fail "traceback in the self-test: $(cat "$scratch/self-test.txt")"

# The kiosk's own start: welcome screen, then the database created and migrated on its worker.
[ "$(run --windowed --exit-when-ready 2>/dev/null)" = "kiosk: ready" ] || fail "the kiosk did not start"
revision=$(run db current)
if [ -z "$revision" ] || [ "$revision" = "empty" ]; then fail "no migrated database after the start"; fi

# Fonts, translations and receipt fonts are part of the bundle: the doctor must find them all.
run doctor >"$scratch/doctor.txt" 2>&1 || true
for check in "fonts" "translations" "receipt fonts" "database" "migrations"; do
  grep -Eq "^OK +$check " "$scratch/doctor.txt" || fail "doctor: $check is not ok: $(cat "$scratch/doctor.txt")"
done

run db backup "$scratch/backup.sqlite3" | grep -q "integrity check ok" || fail "db backup"

# A thermal printer's ESC/POS bytes (python-escpos with its printer profiles, the receipt as pixels by
# pdfium), to a file standing in for the device.
run print-test --printer "escpos:file:$scratch/escpos.bin" --lang vi >/dev/null || fail "ESC/POS print-test"
[ -s "$scratch/escpos.bin" ] || fail "no ESC/POS bytes written"

# The central service over HTTP (httpx): a development Open311 server from the source tree, when the
# Python that built the bundle is at hand (CI), answers the bundle's doctor.
if python -c "import kiosk.open311.dev_server" 2>/dev/null; then
  python -m kiosk.open311.dev_server --port 0 --db "$scratch/open311.sqlite3" >"$scratch/open311.txt" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -qs "listening on" "$scratch/open311.txt" && break; sleep 0.1; done
  url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$scratch/open311.txt" | head -n 1)
  KIOSK_OPEN311_BASE_URL=$url KIOSK_OPEN311_API_KEY=dev-key run doctor >"$scratch/doctor311.txt" 2>&1 || true
  kill "$server" 2>/dev/null || true
  grep -Eq "^OK +central service .*lists [1-9]" "$scratch/doctor311.txt" \
    || fail "the bundle did not reach the central service at '$url': $(cat "$scratch/doctor311.txt" "$scratch/open311.txt")"
  echo "bundle smoke: the central service answered the bundle over HTTP"
fi

# The pyttsx3 speech process is the bundle's own executable (no `python -m` in a bundle). A Linux
# bundle reads aloud with espeak-ng; it carries pyttsx3 only when it was installed where it was built.
if [ -e /usr/lib/x86_64-linux-gnu/libespeak.so.1 ]; then
  answer=$(timeout 30 "$kiosk" --speech-worker espeak </dev/null 2>&1 | head -n 1 || true)
  if [[ "$answer" == *'"ready": true'* ]]; then
    echo "bundle smoke: the bundled speech worker started"
  elif [[ "$answer" != *"No module named 'pyttsx3'"* ]]; then
    fail "the bundled speech worker answered '$answer'"
  fi
fi
echo "bundle smoke: $(du -sm "$bundle" | cut -f1) MB, all checks passed"
