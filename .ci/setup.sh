#!/usr/bin/env bash
# Set up CQIA Curator on a fresh Debian/Ubuntu machine: the system libraries Qt needs,
# a CJK font, Xvfb for the end-to-end test, and a venv with the app installed.
#   bash .ci/setup.sh          runtime only
#   bash .ci/setup.sh --test   runtime + test, benchmark and build tools
set -euo pipefail
cd "$(dirname "$0")/.."

extras="."
[ "${1:-}" = "--test" ] && extras=".[test,bench,build]"

apt_packages=(
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0
  libxcb-image0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1
  fonts-noto-cjk fonts-noto-color-emoji
)
[ "${1:-}" = "--test" ] && apt_packages+=(xvfb xdotool x11-utils imagemagick binutils desktop-file-utils)
python=${PYTHON:-python3}
# Debian's own python3 ships venv's ensurepip separately.
"$python" -c 'import ensurepip' 2>/dev/null || apt_packages+=(python3-venv)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is required" >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e "$extras"
