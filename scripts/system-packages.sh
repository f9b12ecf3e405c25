#!/usr/bin/env bash
# Install the Debian/Ubuntu packages counterdesk needs, when run as root on a system with apt.
# Already-installed packages are skipped, so a second run costs a few milliseconds.
# Anywhere else it only says what is missing and leaves the machine alone.
set -euo pipefail
missing=()
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Note: not root or no apt; please install: ${missing[*]}" >&2
fi
