#!/usr/bin/env bash
# Deploy latency: POST /api/apps/{id}/deploy -> first HTTP 200 through Caddy, for an image already in the
# engine (the keep-alive image), next to the same run's raw baseline:
#   raw:       docker run -d --network <existing user-defined net> -> first 200 from the container's IP
#   raw+net:   docker network create + docker run -d               -> first 200 (what a new app also pays)
#   new app:   a fresh app each run, created and set up by the reconciler (its network and 503 route) untimed,
#              then deploy -> first 200 through Caddy
#   redeploy:  a new release of one running app                   -> first 200 from the NEW container through Caddy
# Prints min/median/p90/max (ms) of RUNS runs each (after one warm-up) and the ratios to raw.
#   bench/deploy-latency.sh [RUNS]      (default 10)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=${1:-10}
((RUNS >= 1 && RUNS <= 100)) || bench_die "RUNS must be 1..100"
RAW_NET=pcb-raw-net
SAMPLES=""

# record SERIES MS
record() { SAMPLES+="$1 $2"$'\n'; }

series() { awk -v s="$1" '$1 == s { print $2 }' <<<"$SAMPLES"; }

raw_run() { # raw_run NAME NETWORK: docker run -> first 200; prints ms
  local t0 ip
  t0=$(bench_now_us)
  docker run -d --name "$1" --label "$BENCH_LABEL" --network "$2" "$IMAGE" >/dev/null
  ip=$(bench_container_ip "$1")
  bench_wait_direct "$ip" 30
  bench_ms_since "$t0"
}

measure_raw() {
  local i ms
  bench_log "raw: docker run on $RAW_NET (1 warm-up + $RUNS)"
  docker network create --label "$BENCH_LABEL" "$RAW_NET" >/dev/null
  for ((i = 0; i <= RUNS; i++)); do
    ms=$(raw_run "pcb-raw-$i" "$RAW_NET")
    ((i > 0)) && record raw "$ms"
    docker rm -f "pcb-raw-$i" >/dev/null
  done
  bench_log "raw+net: docker network create + docker run (1 warm-up + $RUNS)"
  for ((i = 0; i <= RUNS; i++)); do
    local t0 ip
    t0=$(bench_now_us)
    docker network create --label "$BENCH_LABEL" "pcb-raw-net-$i" >/dev/null
    docker run -d --name "pcb-rawnet-$i" --label "$BENCH_LABEL" --network "pcb-raw-net-$i" "$IMAGE" >/dev/null
    ip=$(bench_container_ip "pcb-rawnet-$i")
    bench_wait_direct "$ip" 30
    ms=$(bench_ms_since "$t0")
    ((i > 0)) && record rawnet "$ms"
    docker rm -f "pcb-rawnet-$i" >/dev/null
    docker network rm "pcb-raw-net-$i" >/dev/null
  done
}

# The reconciler's own view: release createdAt -> deployedAt (traffic switched), when the API reports both.
record_api_time() { # record_api_time SERIES APP_ID
  local rel a b
  rel=$(bench_app "$2" | jq -r '.currentRelease // empty | "\(.createdAt) \(.deployedAt // "")"') || return 0
  read -r a b <<<"$rel"
  [[ -n ${a:-} && -n ${b:-} ]] || return 0
  record "$1" "$(awk -v a="$(date -d "$a" +%s.%N)" -v b="$(date -d "$b" +%s.%N)" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }')"
}

wait_app_converged() { # wait_app_converged APP_ID: the reconciler has seen the app's current generation
  local deadline=$((SECONDS + 60))
  until bench_app "$1" | jq -e '.observedGeneration >= .generation' >/dev/null; do
    ((SECONDS < deadline)) || bench_die "app $1 did not converge within 60 s"
    sleep 0.05
  done
}

wait_app_gone() { # wait_app_gone APP_ID
  local deadline=$((SECONDS + 60))
  while [[ -n $(bench_containers "$1") ]] && ((SECONDS < deadline)); do sleep 0.2; done
}

measure_new_app() {
  local i id gen t0 ms
  bench_log "new app: create and wait until the reconciler has set it up (untimed), then deploy -> first 200 through Caddy (1 warm-up + $RUNS)"
  for ((i = 0; i <= RUNS; i++)); do
    id=$(bench_create_app "new$i")
    # Creating an app makes its network and its 503 route: that is the create's work, not the deploy's.
    wait_app_converged "$id"
    t0=$(bench_now_us)
    gen=$(bench_deploy "$id" "$IMAGE")
    gen=${gen%% *}
    bench_wait_body "new$i.localhost" 60 >/dev/null
    ms=$(bench_ms_since "$t0")
    bench_wait_running "$id" "$gen" 60
    if ((i > 0)); then
      record newapp "$ms"
      record_api_time newapp_api "$id"
    fi
    bench_api DELETE "/api/apps/$id" >/dev/null
    wait_app_gone "$id"
  done
}

measure_redeploy() {
  local i id gen t0 ms old_body old_container
  bench_log "redeploy: a new release of app 'redeploy' -> first 200 from the new container (1 warm-up + $RUNS)"
  id=$(bench_create_app redeploy)
  gen=$(bench_deploy "$id" "$IMAGE")
  gen=${gen%% *}
  bench_wait_running "$id" "$gen" 60
  for ((i = 0; i <= RUNS; i++)); do
    old_body=$(bench_wait_body redeploy.localhost 30)
    old_container=$(bench_containers "$id")
    t0=$(bench_now_us)
    gen=$(bench_deploy "$id" "$IMAGE")
    gen=${gen%% *}
    bench_wait_body redeploy.localhost 60 "$old_body" >/dev/null
    ms=$(bench_ms_since "$t0")
    bench_wait_running "$id" "$gen" 60
    bench_wait_replaced "$id" "$old_container" 60
    if ((i > 0)); then
      record redeploy "$ms"
      record_api_time redeploy_api "$id"
    fi
  done
}

report() {
  local raw_median name label n min med p90 max
  raw_median=$(series raw | bench_stats | awk '{ print $3 }')
  echo
  echo "deploy latency, $(date -u '+%F %H:%M UTC'), image $IMAGE"
  echo "machine: $(bench_machine)"
  printf '%-40s %4s %7s %7s %7s %7s %10s\n' series n min median p90 max "median/raw"
  for name in raw rawnet newapp redeploy newapp_api redeploy_api; do
    case $name in
    raw) label="raw docker run (existing net)" ;;
    rawnet) label="raw network create + docker run" ;;
    newapp) label="platform: new app deploy" ;;
    redeploy) label="platform: redeploy (new release)" ;;
    newapp_api) label="  (API createdAt->deployedAt, new)" ;;
    redeploy_api) label="  (API createdAt->deployedAt, redeploy)" ;;
    esac
    [[ -n $(series "$name") ]] || continue
    read -r n min med p90 max < <(series "$name" | bench_stats)
    printf '%-40s %4s %7s %7s %7s %7s %9.2fx\n' "$label" "$n" "$min" "$med" "$p90" "$max" \
      "$(awk -v a="$med" -v b="$raw_median" 'BEGIN { print (b > 0 ? a / b : 0) }')"
  done
  echo "(ms; goal from the issue: platform deploy <= 1.3x raw)"
}

main() {
  IMAGE=$(bench_image)
  trap bench_teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_start
  measure_raw
  measure_new_app
  measure_redeploy
  report
}

main "$@"
