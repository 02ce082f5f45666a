#!/usr/bin/env bash
# Runs every package's tests (pnpm -r test) and ends with one line that sums up all vitest
# suites: "tests: N passed, N failed, N skipped". The exit code is the test run's.
set -uo pipefail
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
pnpm run test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
node -e '
const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\x1b\[[0-9;]*m/g, "");
const total = { passed: 0, failed: 0, skipped: 0 };
for (const [, counts] of text.matchAll(/^\s*Tests\s+(.+?)\s+\(\d+\)\s*$/gm)) {
  for (const [, n, kind] of counts.matchAll(/(\d+) (passed|failed|skipped)/g)) total[kind] += Number(n);
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
' "$log"
exit "$status"
