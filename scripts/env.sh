#!/usr/bin/env bash
# Defaults for PersonalCloud's configuration environment variables (sourced).
# A variable already set in the environment always wins. Optional secrets
# (PCLOUD_API_TOKEN, PCLOUD_MASTER_KEY, PCLOUD_DATABASE_URL) are never given a default.

PCLOUD_REPO_ROOT=${PCLOUD_REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

PCLOUD_DATA_DIR=${PCLOUD_DATA_DIR:-/var/lib/personalcloud}
PCLOUD_DATA_DIR=$(realpath -m -- "$PCLOUD_DATA_DIR")

PCLOUD_API_BIND=${PCLOUD_API_BIND:-127.0.0.1}
PCLOUD_API_PORT=${PCLOUD_API_PORT:-8300}
PCLOUD_HTTP_PORT=${PCLOUD_HTTP_PORT:-80}
PCLOUD_HTTPS_PORT=${PCLOUD_HTTPS_PORT:-443}
PCLOUD_BASE_DOMAIN=${PCLOUD_BASE_DOMAIN:-localhost}
# Below the kernel's ephemeral range (32768-60999): an outgoing connection can hold a port there when Postgres starts.
PCLOUD_PG_PORT=${PCLOUD_PG_PORT:-15432}
PCLOUD_CADDY_ADMIN_SOCKET=${PCLOUD_CADDY_ADMIN_SOCKET:-$PCLOUD_DATA_DIR/run/caddy-admin.sock}
PCLOUD_DNS_PORT=${PCLOUD_DNS_PORT:-15353}
PCLOUD_FALLBACK_PORT=${PCLOUD_FALLBACK_PORT:-15380}

export PCLOUD_REPO_ROOT PCLOUD_DATA_DIR PCLOUD_API_BIND PCLOUD_API_PORT PCLOUD_HTTP_PORT \
  PCLOUD_HTTPS_PORT PCLOUD_BASE_DOMAIN PCLOUD_PG_PORT PCLOUD_CADDY_ADMIN_SOCKET PCLOUD_DNS_PORT \
  PCLOUD_FALLBACK_PORT

# Exported only when the caller set them.
for _pcloud_var in PCLOUD_API_TOKEN PCLOUD_DATABASE_URL PCLOUD_MASTER_KEY; do
  if [[ -n ${!_pcloud_var:-} ]]; then export "${_pcloud_var?}"; fi
done
unset _pcloud_var
