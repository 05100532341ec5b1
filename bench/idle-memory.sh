#!/usr/bin/env bash
# Idle memory of the platform: RSS (VmRSS) and PSS (smaps_rollup) of the ControlPlane and the Reconciler
#   1. idle after start (SETTLE seconds after the API is healthy)
#   2. with APPS apps deployed (keep-alive image) and idle for IDLE seconds
# with Caddy's and Postgres's (all its processes) for context, and the apps' containers (cgroup usage).
#   bench/idle-memory.sh [APPS] [IDLE]      (defaults 10 and 30)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APPS=${1:-10}
IDLE=${2:-30}
SETTLE=${BENCH_SETTLE_SECONDS:-20}
((APPS >= 1 && APPS <= 50)) || bench_die "APPS must be 1..50"
((IDLE >= 1 && IDLE <= 600)) || bench_die "IDLE must be 1..600"
declare -A MEM=()

postgres_pids() {
  local main
  main=$(head -n 1 "$PCLOUD_DATA_DIR/postgres/postmaster.pid")
  echo "$main"
  ps -o pid= --ppid "$main"
}

# sample PHASE: fills MEM[<component>,<phase>] with "rss pss" in MiB.
sample() {
  local phase=$1 pid rss pss sum_rss=0 sum_pss=0 n=0
  for name in controlplane reconciler; do
    read -r rss pss < <(bench_mem "$(bench_pid_of "$name")")
    MEM[$name,$phase]="$rss $pss"
  done
  read -r rss pss < <(bench_mem "$(<"$PCLOUD_DATA_DIR/run/caddy.pid")")
  MEM[caddy,$phase]="$rss $pss"
  for pid in $(postgres_pids); do
    read -r rss pss < <(bench_mem "$pid")
    [[ $rss == - ]] && continue
    sum_rss=$((sum_rss + rss))
    [[ $pss != - ]] && sum_pss=$((sum_pss + pss))
    n=$((n + 1))
  done
  MEM[postgres,$phase]="$sum_rss $sum_pss"
  MEM[postgres_n,$phase]=$n
  # The apps' containers: the engine's cgroup figure (MiB), summed.
  local ids usage
  ids=$(docker ps -q --filter "label=$BENCH_LABEL")
  usage=0
  if [[ -n $ids ]]; then
    # shellcheck disable=SC2086 # a list of ids
    usage=$(docker stats --no-stream --format '{{.MemUsage}}' $ids | awk '{
      v = $1; u = v; gsub(/[0-9.]/, "", u); sub(/[A-Za-z]+$/, "", v)
      f = (u == "GiB") ? 1024 * 1024 : (u == "MiB") ? 1024 : (u == "KiB") ? 1 : 1 / 1024
      s += v * f } END { printf "%d", s }')
  fi
  MEM[containers,$phase]="$usage -"
  MEM[containers_n,$phase]=$(wc -w <<<"$ids")
}

mib() {
  if [[ $1 == - ]]; then echo -; else awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; fi
}

deploy_apps() {
  local i id ids=() gens=()
  bench_log "deploying $APPS apps"
  for ((i = 1; i <= APPS; i++)); do
    id=$(bench_create_app "mem$i")
    ids+=("$id")
    gens+=("$(bench_deploy "$id" "$IMAGE" | cut -d' ' -f1)")
  done
  for ((i = 0; i < APPS; i++)); do
    bench_wait_running "${ids[i]}" "${gens[i]}" 120
    bench_wait_body "mem$((i + 1)).localhost" 30 >/dev/null
  done
}

report() {
  local name label a b
  echo
  echo "idle memory, $(date -u '+%F %H:%M UTC')"
  echo "machine: $(bench_machine)"
  printf '%-28s %12s %12s %14s %14s\n' "process" "RSS idle" "PSS idle" "RSS $APPS apps" "PSS $APPS apps"
  for name in controlplane reconciler caddy postgres containers; do
    case $name in
    controlplane) label=ControlPlane ;;
    reconciler) label=Reconciler ;;
    caddy) label=Caddy ;;
    postgres) label="Postgres (${MEM[postgres_n,start]}/${MEM[postgres_n,apps]} procs)" ;;
    containers) label="app containers (${MEM[containers_n,start]}/${MEM[containers_n,apps]})" ;;
    esac
    read -r a b <<<"${MEM[$name,start]}"
    local ra pa rb pb
    ra=$(mib "$a")
    pa=$(mib "$b")
    read -r a b <<<"${MEM[$name,apps]}"
    rb=$(mib "$a")
    pb=$(mib "$b")
    printf '%-28s %12s %12s %14s %14s\n' "$label" "$ra" "$pa" "$rb" "$pb"
  done
  echo "(MiB; idle = ${SETTLE}s after /healthz; apps = $APPS apps running, then ${IDLE}s idle; Postgres summed over its processes,"
  echo " RSS double-counts shared buffers, PSS does not; containers: docker stats usage, cgroup incl. page cache)"
}

main() {
  IMAGE=$(bench_image)
  trap bench_teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_start
  bench_log "idle for ${SETTLE}s after start"
  sleep "$SETTLE"
  sample start
  deploy_apps
  bench_log "$APPS apps running; idle for ${IDLE}s"
  sleep "$IDLE"
  sample apps
  report
}

main "$@"
