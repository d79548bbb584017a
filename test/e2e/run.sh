#!/usr/bin/env bash
# The end-to-end tests in a real VS Code: installs what is missing (setup.sh), then runs the suite (run.mjs) twice:
# in a trusted workspace (the whole suite), then in an untrusted one (`--untrusted`: restricted mode). Ends with one
# line over both passes, `N passed, N failed`, which test/run-all.mjs reads.
# Expects a build (`npm run build`: dist/ and out/e2e/). Arguments go to run.mjs; with --grep, --screenshot or
# --untrusted only that one pass runs (e.g. --grep=hover, --screenshot=..., --untrusted).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup.sh"

for arg in "$@"; do
  case "$arg" in
    --grep=*|--screenshot=*|--untrusted|--untrusted=*) exec node "$here/run.mjs" "$@" ;;
  esac
done

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
passed=0 failed=0 skipped=0 status=0

# Runs one pass, shows its output, and adds its closing line to the totals (a pass that ends without one, e.g. because
# VS Code did not start, counts as one failure).
run_pass() {
  local label="$1" code counts
  shift
  echo "[e2e] $label"
  set +e
  node "$here/run.mjs" "$@" | tee "$log"
  code=${PIPESTATUS[0]}
  set -e
  counts="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)"
  if [[ "$counts" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
    skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
    if [ "$code" -ne 0 ] && [ "${BASH_REMATCH[2]}" -eq 0 ]; then failed=$((failed + 1)); fi
  else
    failed=$((failed + 1))
  fi
  # 2 (timed out) wins over 1 (failed) wins over 0.
  if [ "$code" -gt "$status" ]; then status=$code; fi
}

run_pass "pass 1 of 2: a trusted workspace" "$@"
run_pass "pass 2 of 2: an untrusted workspace (restricted mode)" --untrusted "$@"

echo "$passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped" || true)"
exit "$status"
