#!/usr/bin/env bash
# Install Debian packages the project needs (each passed as COMMAND:PACKAGE) when the command is
# missing. Runs apt-get only when something is missing, so a provisioned machine pays nothing.
# Prints one line when it installs something; apt's output goes to .tools/logs/apt.log, printed
# (its last lines) only on failure.
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
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-debian-packages: missing ${missing[*]} and no apt-get here (Debian/Ubuntu expected); install them with your package manager" >&2
  exit 1
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/.tools/logs"
log="$root/.tools/logs/apt.log"
echo "installing Debian packages: ${missing[*]} (log: .tools/logs/apt.log)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >"$log" 2>&1; then
  apt-get update >>"$log" 2>&1
  apt-get install -y --no-install-recommends "${missing[@]}" >>"$log" 2>&1 || {
    tail -n 40 "$log" >&2
    echo "ensure-debian-packages: could not install ${missing[*]}; full log: $log" >&2
    exit 1
  }
fi
