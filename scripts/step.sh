#!/usr/bin/env bash
# Runs one set-up step quietly: its output goes to .tools/logs/<name>.log and the terminal gets
# one line, "<what> ... done (N s)". On failure it prints the log's last lines and its path, so a
# CI job (which shows only stdout/stderr) still shows why.
#   scripts/step.sh NAME "what it does" command [args...]
set -uo pipefail
name="$1"
what="$2"
shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
logs="$root/.tools/logs"
mkdir -p "$logs"
log="$logs/$name.log"
started=$SECONDS
printf '%s ... ' "$what"
{ echo "# $(date -u +%FT%TZ) $*"; } >"$log"
"$@" >>"$log" 2>&1 </dev/null
status=$?
if [ "$status" -eq 0 ]; then
  echo "done ($((SECONDS - started)) s)"
  exit 0
fi
echo "FAILED (exit $status)"
echo "---- last 60 lines of $log ----" >&2
tail -n 60 "$log" >&2
echo "---- full log: $log ----" >&2
exit "$status"
