#!/usr/bin/env bash
# The end-to-end tests in a real VS Code: installs what is missing (setup.sh), then runs the suite (run.mjs).
# Expects a build (`npm run build`: dist/ and out/e2e/); arguments go to run.mjs (e.g. --grep=hover, --screenshot=...).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup.sh"
exec node "$here/run.mjs" "$@"
