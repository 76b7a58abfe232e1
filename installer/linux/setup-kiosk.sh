#!/usr/bin/env bash
# Turn a fresh Debian 12 machine into a city kiosk station. Run as root from the unpacked release:
#
#   sudo bash installer/linux/setup-kiosk.sh kiosk     ./dist/kiosk   # a locked lobby touchscreen
#   sudo bash installer/linux/setup-kiosk.sh reception ./dist/kiosk [USER]  # a reception PC: the console
#                                       # in USER's desktop (default: the user who ran sudo)
#
# Safe to run again (an upgrade): the program is replaced, settings and data are kept.
set -euo pipefail

role=${1:-}
bundle=${2:-}
# Who runs the program, reads the settings and owns the data: the locked kiosk user, or at reception
# the person's own desktop account.
owner=kiosk
[ "$role" = reception ] && owner=${3:-${SUDO_USER:-}}
here=$(cd "$(dirname "$0")" && pwd)
if [ "$role" != kiosk ] && [ "$role" != reception ] || [ ! -x "$bundle/kiosk" ]; then
  echo "usage: $0 kiosk|reception BUNDLE_DIR   (BUNDLE_DIR holds the 'kiosk' program)" >&2
  exit 2
fi
[ "$(id -u)" -eq 0 ] || { echo "run as root (sudo)" >&2; exit 2; }
if [ -z "$owner" ] || { [ "$role" = reception ] && ! id "$owner" >/dev/null 2>&1; }; then
  echo "reception: name the desktop user who runs the console (third argument)" >&2
  exit 2
fi

echo "== system packages"
export DEBIAN_FRONTEND=noninteractive
packages=(
  fonts-dejavu-core          # Latin with Vietnamese tones, and Cyrillic, on screen (Chinese is bundled)
  espeak-ng                  # "Read aloud" in every language
  cups cups-client           # receipt printers through CUPS (printer = "cups:QUEUE")
  libegl1 libgl1 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3 libglib2.0-0
  libwayland-client0 libwayland-cursor0 libwayland-egl1   # Qt on Wayland (cage)
  sqlite3                    # to look at the database by hand, if ever needed
)
[ "$role" = kiosk ] && packages+=(cage dbus-user-session)
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"

echo "== the program in /opt/city-kiosk"
rm -rf /opt/city-kiosk.new
cp -a "$bundle" /opt/city-kiosk.new
[ -f "$here/../../README.md" ] && cp "$here/../../README.md" /opt/city-kiosk.new/README-install.md
rm -rf /opt/city-kiosk.old
[ -d /opt/city-kiosk ] && mv /opt/city-kiosk /opt/city-kiosk.old
mv /opt/city-kiosk.new /opt/city-kiosk
install -m 0755 "$here/kiosk-command" /usr/local/bin/kiosk

echo "== the kiosk user, its settings and data"
if [ "$role" = kiosk ]; then
  id kiosk >/dev/null 2>&1 \
    || useradd --system --create-home --home-dir /var/lib/city-kiosk-home --shell /usr/sbin/nologin kiosk
  # Printers on serial or USB devices, and the screen and touch input under cage.
  for group in lp dialout video input render; do
    if getent group "$group" >/dev/null; then usermod -aG "$group" kiosk; fi
  done
fi
install -d -m 0755 /etc/city-kiosk
install -m 0644 "$here/environment" /etc/city-kiosk/environment
install -d -o "$owner" -g "$(id -gn "$owner")" -m 0750 /var/lib/city-kiosk
if [ ! -f /etc/city-kiosk/settings.toml ]; then
  # Every option, commented at its default; installer/examples/ shows whole setups to copy from.
  KIOSK_CONFIG=/etc/city-kiosk/settings.toml /opt/city-kiosk/kiosk config --init
fi
# Owner-only: it may hold the database password or the central service's api key.
chown "$owner":"$(id -gn "$owner")" /etc/city-kiosk/settings.toml
chmod 0600 /etc/city-kiosk/settings.toml

if [ "$role" = kiosk ]; then
  echo "== the kiosk session: cage on tty1, restarted whenever it stops"
  install -m 0644 "$here/pam-city-kiosk" /etc/pam.d/city-kiosk
  install -m 0644 "$here/city-kiosk@.service" /etc/systemd/system/city-kiosk@.service
  systemctl daemon-reload
  systemctl disable getty@tty1.service >/dev/null 2>&1 || true
  systemctl set-default graphical.target
  systemctl enable city-kiosk@tty1.service
else
  echo "== the reception console in the desktop's menu and at login"
  install -m 0644 "$here/city-kiosk-staff.desktop" /usr/share/applications/city-kiosk-staff.desktop
  install -d /etc/xdg/autostart
  install -m 0644 "$here/city-kiosk-staff.desktop" /etc/xdg/autostart/city-kiosk-staff.desktop
fi
systemctl enable --now cups >/dev/null 2>&1 || true

echo "== checks"
sudo -u "$owner" /usr/local/bin/kiosk db upgrade
sudo -u "$owner" /usr/local/bin/kiosk doctor || echo "(fix the problems above, then: sudo -u $owner kiosk doctor)"
echo "Done. Edit /etc/city-kiosk/settings.toml (sudoedit), then $([ "$role" = kiosk ] && echo 'reboot' || echo 'log in again')."
