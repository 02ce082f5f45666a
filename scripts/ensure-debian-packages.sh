#!/usr/bin/env bash
# Install Debian packages the project needs (each passed as COMMAND:PACKAGE) when the command is
# missing. Runs apt-get only when something is missing, so a provisioned machine pays nothing.
set -euo pipefail
missing=()
for pair in "$@"; do
  command="${pair%%:*}"
  package="${pair#*:}"
  command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-debian-packages: missing ${missing[*]}; run as root or install them: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "ensure-debian-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/ensure-debian-packages.log 2>&1; then
  apt-get update >/dev/null 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >/tmp/ensure-debian-packages.log 2>&1 || {
    cat /tmp/ensure-debian-packages.log >&2
    echo "ensure-debian-packages: could not install ${missing[*]}" >&2
    exit 1
  }
fi
