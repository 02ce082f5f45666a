#!/usr/bin/env bash
# Runs every package's tests (pnpm -r test) and ends with one line that sums up all vitest
# suites: "tests: N passed, N failed, N skipped". The exit code is the test run's.
set -uo pipefail
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Suites whose failures depend on timing (the reliability soak) leave their evidence here; CI keeps
# only the end of the log, so it is printed last, just before the summary line.
evidence="$(dirname "${BASH_SOURCE[0]}")/../.tools/logs/test-evidence"
rm -rf "$evidence"
pnpm run test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
for file in "$evidence"/*.txt; do
  [ -f "$file" ] || continue
  echo "--- $(basename "$file") (whole file: .tools/logs/test-evidence/) ---"
  tail -c 6000 "$file" | cut -c1-300
done
node -e '
const text = require("fs").readFileSync(process.argv[1], "utf8").replace(/\x1b\[[0-9;]*m/g, "");
const total = { passed: 0, failed: 0, skipped: 0 };
for (const [, counts] of text.matchAll(/^\s*Tests\s+(.+?)\s+\(\d+\)\s*$/gm)) {
  for (const [, n, kind] of counts.matchAll(/(\d+) (passed|failed|skipped)/g)) total[kind] += Number(n);
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
' "$log"
exit "$status"
