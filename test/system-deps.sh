#!/usr/bin/env bash
# Debian packages the tests need, installed when missing (as root, or with sudo):
#   python3     runs model-generated code for the code-tests grader and the example datasets' checks
#   bubblewrap  the sandbox for that code (bwrap)
#   chromium, libkrb5-dev, pkg-config   the real-VS-Code end-to-end tests (browser; code-server's native addons)
#   neovim, emacs-nox, elpa-eglot   real LSP clients other than VS Code (test/server/neovim.test.ts and
#               eglot.test.ts run docs/editors.md's configurations in them)
# Idempotent: when everything is there it only checks.
set -euo pipefail
log() { echo "[system deps] $*" >&2; }
missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
for package in bubblewrap libkrb5-dev pkg-config emacs-nox elpa-eglot; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && { log "all present"; exit 0; }
if [ "$(id -u)" -eq 0 ]; then apt_get=(apt-get)
elif command -v sudo >/dev/null 2>&1; then apt_get=(sudo apt-get)
else log "missing Debian packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"; exit 1
fi
log "installing ${missing[*]}"
"${apt_get[@]}" update -qq
env DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
log "installed ${missing[*]}"
