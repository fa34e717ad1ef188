#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own
# browser builds where Kith is tested). Install it from Debian's packages only
# when it is missing, so a developer's machine and CI prepare themselves.
set -euo pipefail

CHROMIUM="${KITH_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

echo "Chromium not found at $CHROMIUM; installing Debian's chromium package" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Fonts for every script the app is translated into (Latin, Cyrillic, Arabic, Han)
# so screenshots show text rather than boxes.
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji >/dev/null
"$CHROMIUM" --version >&2
