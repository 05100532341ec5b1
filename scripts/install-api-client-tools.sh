#!/usr/bin/env bash
# Installs the npm packages that check the OpenAPI contract (Redocly CLI, Spectral, openapi-typescript,
# openapi-fetch, TypeScript; pinned in tests/ApiClient/package-lock.json). Test tooling only: run.sh never needs it.
# Idempotent: reinstalls only when the lock file changed since the last install.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLIENT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/ApiClient" && pwd)
STAMP=$CLIENT_DIR/node_modules/.pcloud-lock-sha256

ensure_node() {
  if command -v node >/dev/null && command -v npm >/dev/null; then return 0; fi
  pcloud_log "api client tools: installing Debian's nodejs and npm"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
}

main() {
  ensure_node
  local want
  want=$(sha256sum "$CLIENT_DIR/package-lock.json" | cut -d' ' -f1)
  if [[ -f $STAMP && $(<"$STAMP") == "$want" ]]; then
    pcloud_log "api client tools: installed (node $(node --version))"
    return 0
  fi
  pcloud_log "api client tools: npm ci in tests/ApiClient (node $(node --version))"
  npm ci --prefix "$CLIENT_DIR" --no-audit --no-fund --loglevel=error >&2
  echo "$want" >"$STAMP"
}

main "$@"
