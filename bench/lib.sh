#!/usr/bin/env bash
# A private PersonalCloud for benchmarks: its own data directory, non-default ports,
# PCLOUD_INSTANCE=bench, started in the background from a snapshot of the built
# dlls, plus curl+jq helpers and a teardown. Sourced by the bench/*.sh scripts:
#
#   source bench/lib.sh; bench_start; trap bench_teardown EXIT; ...
#
# Run directly for manual use:  bench/lib.sh start | stop
#
# Settings (environment):
#   BENCH_DIR=/tmp/pcloud-bench   everything the private platform writes (removed by the teardown)
#   BENCH_BUILD=1                 run scripts/build.sh first (default: reuse the built dlls; build only if missing)
#   BENCH_KEEP=1                  leave the platform running when the script ends (stop it with `bench/lib.sh stop`)
# Every wait is bounded by a deadline; every loop by a count.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_REPO=$(cd "$BENCH_ROOT/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/pcloud-bench}
BENCH_INSTANCE=${BENCH_INSTANCE:-bench}
BENCH_LABEL="io.personalcloud.instance=$BENCH_INSTANCE"

# The platform's configuration, all overridden: a caller's PCLOUD_* must never point the bench at a real install.
unset PCLOUD_DATABASE_URL PCLOUD_API_TOKEN PCLOUD_MASTER_KEY
export PCLOUD_REPO_ROOT=$BENCH_REPO
export PCLOUD_DATA_DIR=$BENCH_DIR/data
export PCLOUD_API_BIND=127.0.0.1
export PCLOUD_API_PORT=${BENCH_API_PORT:-18591}
export PCLOUD_HTTP_PORT=${BENCH_HTTP_PORT:-18580}
export PCLOUD_HTTPS_PORT=${BENCH_HTTPS_PORT:-18543}
export PCLOUD_PG_PORT=${BENCH_PG_PORT:-18592}
# For the DNS-based routing (its responder and fallback ports); ignored by builds that do not read them.
export PCLOUD_DNS_PORT=${BENCH_DNS_PORT:-15591}
export PCLOUD_FALLBACK_PORT=${BENCH_FALLBACK_PORT:-15592}
export PCLOUD_BASE_DOMAIN=localhost
export PCLOUD_CADDY_ADMIN_SOCKET=$PCLOUD_DATA_DIR/run/caddy-admin.sock
export PCLOUD_INSTANCE=$BENCH_INSTANCE
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

BENCH_API=http://127.0.0.1:$PCLOUD_API_PORT
BENCH_PROXY=http://127.0.0.1:$PCLOUD_HTTP_PORT
BENCH_RUN=$BENCH_DIR/run
BENCH_LOGS=$BENCH_DIR/logs
BENCH_BIN=$BENCH_DIR/bin
BENCH_TOKEN=""

# shellcheck source=scripts/lib.sh
source "$BENCH_REPO/scripts/lib.sh"
# shellcheck source=scripts/provision.sh
source "$BENCH_REPO/scripts/provision.sh"

bench_log() { printf '[bench] %s\n' "$*" >&2; }
bench_die() {
  bench_log "error: $*"
  exit 1
}

# Microseconds since the epoch (bash 5's EPOCHREALTIME without the dot).
bench_now_us() { echo "${EPOCHREALTIME/./}"; }

# bench_ms_since START_US: milliseconds elapsed, 1 decimal.
bench_ms_since() {
  local now
  now=$(bench_now_us)
  awk -v a="$1" -v b="$now" 'BEGIN { printf "%.1f\n", (b - a) / 1000 }'
}

# bench_stats < numbers: "n min median p90 max" (p90 by nearest rank).
bench_stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "0 - - - -"; exit }
    med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    r = int(0.9 * NR); if (r < 0.9 * NR) r++
    printf "%d %.0f %.0f %.0f %.0f\n", NR, v[1], med, v[r], v[NR] }'
}

bench_machine() {
  printf 'nproc %s, RAM %s MiB, kernel %s, docker %s, caddy %s, git %s%s\n' \
    "$(nproc)" "$(awk '/MemTotal/ { printf "%d", $2 / 1024 }' /proc/meminfo)" "$(uname -r)" \
    "$(docker version -f '{{.Server.Version}}' 2>/dev/null)" "$(caddy version | cut -d' ' -f1)" \
    "$(git -C "$BENCH_REPO" rev-parse --short HEAD 2>/dev/null)" \
    "$(git -C "$BENCH_REPO" diff --quiet HEAD -- src 2>/dev/null || echo ' (src dirty)')"
}

# --- the keep-alive image -----------------------------------------------------------------------------

bench_image() { "$BENCH_ROOT/build-keepalive-image.sh"; }

# --- processes ------------------------------------------------------------------------------------------

bench_pid_of() {
  local file=$BENCH_RUN/$1.pid
  [[ -s $file ]] && cat "$file"
}

# Alive and still ours: a stale pid file must never make the teardown signal an unrelated process.
bench_alive() {
  local pid
  pcloud_pid_alive "$BENCH_RUN/$1.pid" || return 1
  pid=$(bench_pid_of "$1")
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$BENCH_BIN/"
}

# shellcheck disable=SC2317 # called through pcloud_wait_until
bench_gone() { ! bench_alive "$1"; }

bench_stop_process() {
  local name=$1 pid
  pid=$(bench_pid_of "$name") || return 0
  if bench_alive "$name"; then
    bench_log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    pcloud_wait_until 20 "$name to exit" bench_gone "$name" || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$BENCH_RUN/$name.pid"
}

# Copies the build output so a concurrent rebuild of src/ cannot change the binaries under a running benchmark.
bench_snapshot_build() {
  local cp=$BENCH_REPO/src/ControlPlane/bin/Release/net10.0 rec=$BENCH_REPO/src/Reconciler/bin/Release/net10.0
  if [[ ${BENCH_BUILD:-0} == 1 || ! -f $cp/PersonalCloud.ControlPlane.dll || ! -f $rec/PersonalCloud.Reconciler.dll ]]; then
    "$BENCH_REPO/scripts/build.sh" >&2
  fi
  rm -rf "$BENCH_BIN"
  mkdir -p "$BENCH_BIN"
  cp -a "$cp" "$BENCH_BIN/controlplane"
  cp -a "$rec" "$BENCH_BIN/reconciler"
  bench_log "binaries: ControlPlane.dll built $(date -r "$cp/PersonalCloud.ControlPlane.dll" '+%F %T'), Reconciler.dll built $(date -r "$rec/PersonalCloud.Reconciler.dll" '+%F %T')"
}

# bench_spawn NAME COMMAND...: in its own session (a Ctrl-C reaches the teardown first), pid in BENCH_RUN.
bench_spawn() {
  local name=$1
  shift
  setsid "$@" >>"$BENCH_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$BENCH_RUN/$name.pid"
}

bench_api_healthy() { curl -fs -o /dev/null --max-time 2 "$BENCH_API/healthz/ready"; }

bench_start() {
  ((EUID == 0)) || bench_die "needs root (Docker, Postgres cluster)"
  command -v wrk >/dev/null || bench_die "wrk missing (scripts/install-packages.sh test installs it)"
  bench_api_healthy && bench_die "something already answers on $BENCH_API: a bench platform left running? (bench/lib.sh stop)"
  bench_teardown_leftovers
  local port
  for port in "$PCLOUD_API_PORT" "$PCLOUD_HTTP_PORT" "$PCLOUD_HTTPS_PORT" "$PCLOUD_PG_PORT" "$PCLOUD_DNS_PORT" "$PCLOUD_FALLBACK_PORT"; do
    [[ -z $(ss -Htuln "sport = :$port") ]] || bench_die "port $port is in use (set BENCH_*_PORT to move the bench platform)"
  done
  mkdir -p "$BENCH_RUN" "$BENCH_LOGS"
  pcloud_provision # packages, dockerd, Postgres on $PCLOUD_PG_PORT, Caddy on the bench socket
  bench_snapshot_build

  ASPNETCORE_URLS="http://127.0.0.1:$PCLOUD_API_PORT" bench_spawn controlplane \
    dotnet "$BENCH_BIN/controlplane/PersonalCloud.ControlPlane.dll"
  if ! pcloud_wait_until 120 "the bench ControlPlane's /healthz" bench_api_healthy; then
    tail -n 30 "$BENCH_LOGS/controlplane.log" >&2
    bench_die "ControlPlane did not become healthy"
  fi
  # The DNS responder Caddy routes by is its own process (route-dns), as scripts/supervise.sh runs it.
  bench_spawn route-dns dotnet "$BENCH_BIN/reconciler/PersonalCloud.Reconciler.dll" route-dns
  bench_spawn reconciler dotnet "$BENCH_BIN/reconciler/PersonalCloud.Reconciler.dll"
  sleep 1
  bench_alive reconciler || {
    tail -n 30 "$BENCH_LOGS/reconciler.log" >&2
    bench_die "Reconciler exited during start"
  }
  BENCH_TOKEN=$(<"$PCLOUD_DATA_DIR/api-token")
  bench_log "platform up: API $BENCH_API, apps $BENCH_PROXY (Host: <app>.localhost), logs $BENCH_LOGS"
}

# Everything labelled instance=bench on the engine: the platform's and the baselines' containers, networks and volumes.
bench_remove_docker_objects() {
  local ids
  ids=$(docker ps -aq --filter "label=$BENCH_LABEL")
  # shellcheck disable=SC2086 # a list of ids
  [[ -z $ids ]] || docker rm -f $ids >/dev/null
  ids=$(docker network ls -q --filter "label=$BENCH_LABEL")
  # shellcheck disable=SC2086
  [[ -z $ids ]] || docker network rm $ids >/dev/null
  # Add-ons' data volumes: the platform keeps them on purpose; a bench run's go with it.
  ids=$(docker volume ls -q --filter "label=$BENCH_LABEL")
  # shellcheck disable=SC2086
  [[ -z $ids ]] || docker volume rm -f $ids >/dev/null
}

bench_teardown_leftovers() {
  bench_stop_process reconciler
  bench_stop_process controlplane
  bench_stop_process route-dns
  [[ -d $PCLOUD_DATA_DIR ]] && {
    "$BENCH_REPO/scripts/stop-caddy.sh" 2>/dev/null || true
    "$BENCH_REPO/scripts/stop-postgres.sh" 2>/dev/null || true
  }
  bench_remove_docker_objects
  rm -rf "$BENCH_DIR"
}

bench_teardown() {
  local code=$?
  trap - EXIT INT TERM
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    bench_log "BENCH_KEEP=1: leaving the platform running (bench/lib.sh stop)"
    return "$code"
  fi
  bench_log "teardown"
  # The reconciler first, so nothing is recreated while the rest goes.
  bench_stop_process reconciler
  bench_stop_process controlplane
  bench_stop_process route-dns
  "$BENCH_REPO/scripts/stop-caddy.sh" 2>/dev/null || true
  "$BENCH_REPO/scripts/stop-postgres.sh" 2>/dev/null || true
  bench_remove_docker_objects
  rm -rf "$BENCH_DIR"
  return "$code"
}

# --- API --------------------------------------------------------------------------------------------------

# bench_api METHOD PATH [JSON]: prints the body; fails (body on stderr) unless 2xx.
bench_api() {
  local method=$1 path=$2 body=${3:-} out code
  [[ -n $BENCH_TOKEN ]] || BENCH_TOKEN=$(<"$PCLOUD_DATA_DIR/api-token")
  local args=(-sS --max-time 15 -X "$method" -H "Authorization: Bearer $BENCH_TOKEN" -w '\n%{http_code}')
  [[ -n $body ]] && args+=(-H 'content-type: application/json' --data "$body")
  out=$(curl "${args[@]}" "$BENCH_API$path") || return 1
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  if [[ $code != 2?? ]]; then
    bench_log "$method $path -> $code: $out"
    return 1
  fi
  printf '%s\n' "$out"
}

# bench_create_app NAME [IMAGE]: prints the app id.
bench_create_app() {
  local body
  body=$(jq -nc --arg name "$1" --arg image "${2:-}" '{name: $name, port: 8080} + (if $image == "" then {} else {image: $image} end)')
  bench_api POST /api/apps "$body" | jq -er .id
}

# bench_deploy ID IMAGE: prints "generation releaseId".
bench_deploy() {
  bench_api POST "/api/apps/$1/deploy" "$(jq -nc --arg image "$2" '{image: $image}')" |
    jq -er '"\(.generation) \(.release.id // "-")"'
}

# bench_restart ID: prints the generation.
bench_restart() { bench_api POST "/api/apps/$1/restart" | jq -er .generation; }

bench_app() { bench_api GET "/api/apps/$1"; }

# bench_app_running ID GENERATION: the reconciler reports the generation (or a newer one) converged and running.
bench_app_running() {
  local app
  app=$(bench_app "$1") || return 1
  jq -e --argjson gen "$2" '.status == "running" and .observedGeneration >= $gen' <<<"$app" >/dev/null
}

# bench_wait_running ID GENERATION [SECONDS]: fails early when the app reports failed.
bench_wait_running() {
  local id=$1 gen=$2 seconds=${3:-120} deadline app
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    app=$(bench_app "$id") || return 1
    if jq -e --argjson gen "$gen" '.status == "running" and .observedGeneration >= $gen' <<<"$app" >/dev/null; then
      return 0
    fi
    if jq -e --argjson gen "$gen" '.status == "failed" and .observedGeneration >= $gen' <<<"$app" >/dev/null; then
      bench_log "app $id failed: $(jq -r .lastError <<<"$app")"
      return 1
    fi
    sleep 0.1
  done
  bench_log "timed out after ${seconds}s waiting for app $id generation $gen to run: $(jq -c '{status, observedGeneration, lastError}' <<<"$app")"
  return 1
}

# bench_containers APP_ID: ids of the app's running containers, one per line.
bench_containers() {
  docker ps -q --no-trunc --filter "label=$BENCH_LABEL" --filter "label=io.personalcloud.app-id=$1"
}

# bench_wait_replaced APP_ID OLD_CONTAINER_ID [SECONDS]: the old container is gone and exactly one runs.
bench_wait_replaced() {
  local app=$1 old=$2 seconds=${3:-120} deadline list
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    list=$(bench_containers "$app")
    if [[ -n $list && $list != *$'\n'* && $list != "$old" ]]; then
      return 0
    fi
    sleep 0.1
  done
  bench_log "timed out after ${seconds}s waiting for app $app to replace container ${old:0:12}: $(echo "$list" | cut -c1-12 | tr '\n' ' ')"
  return 1
}

# --- HTTP through Caddy, and to containers directly -----------------------------------------------------

# bench_get HOST: "<code> <body>" through the bench Caddy (loopback only).
bench_get() {
  local out
  out=$(curl -s --max-time 2 -H "Host: $1" -w '\n%{http_code}' "$BENCH_PROXY/" 2>/dev/null) || true
  local code=${out##*$'\n'} body=${out%$'\n'*}
  printf '%s %s\n' "${code:-000}" "${body%$'\n'}"
}

# bench_wait_body HOST SECONDS [NOT_BODY]: waits for a 200 through Caddy whose body differs from NOT_BODY;
# prints the body.
bench_wait_body() {
  local host=$1 seconds=$2 not=${3:-} deadline got n=0
  deadline=$(($(bench_now_us) + seconds * 1000000))
  while (($(bench_now_us) < deadline && n < 100000)); do
    got=$(bench_get "$host")
    if [[ $got == "200 "* && ${got#200 } != "$not" ]]; then
      printf '%s\n' "${got#200 }"
      return 0
    fi
    n=$((n + 1))
    sleep 0.01
  done
  bench_log "timed out after ${seconds}s waiting for a new 200 from $host (last: ${got:-none})"
  return 1
}

# bench_container_ip NAME: the container's address on its (bridge) network; refuses anything that is not a
# private address on one of this engine's bridges.
bench_container_ip() {
  local ip net subnet
  read -r ip net < <(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$v.IPAddress}} {{$k}}{{end}}' "$1")
  subnet=$(docker network inspect -f '{{.Driver}} {{range .IPAM.Config}}{{.Subnet}}{{end}}' "$net")
  [[ $subnet == bridge\ * && $ip =~ ^(172\.(1[6-9]|2[0-9]|3[01])|192\.168|10)\. ]] ||
    bench_die "refusing target $ip (network $net: $subnet): not a container address on a local bridge"
  echo "$ip"
}

# bench_wait_direct IP SECONDS: polls http://IP:8080/ until 200.
bench_wait_direct() {
  local ip=$1 seconds=$2 deadline n=0
  deadline=$(($(bench_now_us) + seconds * 1000000))
  while (($(bench_now_us) < deadline && n < 100000)); do
    [[ $(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://$ip:8080/" 2>/dev/null) == 200 ]] && return 0
    n=$((n + 1))
    sleep 0.01
  done
  bench_log "timed out after ${seconds}s waiting for 200 from $ip"
  return 1
}

# --- Caddy admin ------------------------------------------------------------------------------------------

bench_caddy_admin() { curl -sS --max-time 10 --unix-socket "$PCLOUD_CADDY_ADMIN_SOCKET" "$@"; }

# --- process memory -----------------------------------------------------------------------------------

# bench_mem PID: "rss_kb pss_kb" (pss "-" without smaps_rollup).
bench_mem() {
  local rss pss=-
  rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || rss=-
  [[ -r /proc/$1/smaps_rollup ]] && pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup")
  echo "${rss:--} ${pss:--}"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  case ${1:-} in
  start)
    BENCH_KEEP=1
    bench_image >/dev/null
    bench_start
    ;;
  stop)
    BENCH_KEEP=0
    bench_teardown_leftovers
    bench_log "stopped; $BENCH_DIR removed"
    ;;
  *) bench_die "usage: bench/lib.sh start|stop" ;;
  esac
fi
