#!/usr/bin/env bash
# Deploy latency by web replica count: POST /api/apps/{id}/deploy (a new release of the same image, already in the
# engine) -> the release is live (the API reports it as the current release with its deployedAt: traffic switched to
# it), and -> converged (the old replicas drained and removed, the app running on its generation), for
# an app whose web process has 1 replica and one with 3. After each deploy (untimed) it checks that every replica runs
# the new release and the route has one upstream per replica. The raw baseline: docker run of 1 and of 3 containers
# (started together) -> every one answers 200 on its own address. Each round measures all four (raw 1, platform 1,
# raw 3, platform 3), so every series sees the same machine. Prints n/min/p50/p99/max (ms) per series.
#   bench/replica-deploy.sh [RUNS]      (default 10)
# Its own platform instance, data directory and ports (BENCH_* below), so it can run next to the other benches.
set -euo pipefail

export BENCH_DIR=${BENCH_DIR:-/tmp/pcloud-bench-replicas}
export BENCH_INSTANCE=${BENCH_INSTANCE:-bench-replicas}
export BENCH_API_PORT=${BENCH_API_PORT:-18691} BENCH_HTTP_PORT=${BENCH_HTTP_PORT:-18680} BENCH_HTTPS_PORT=${BENCH_HTTPS_PORT:-18643}
export BENCH_PG_PORT=${BENCH_PG_PORT:-18692} BENCH_DNS_PORT=${BENCH_DNS_PORT:-15691} BENCH_FALLBACK_PORT=${BENCH_FALLBACK_PORT:-15692}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS=${1:-10}
((RUNS >= 1 && RUNS <= 100)) || bench_die "RUNS must be 1..100"
SUFFIX=$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')
SAMPLES=""

record() { SAMPLES+="$1 $2"$'\n'; }
series() { awk -v s="$1" '$1 == s { print $2 }' <<<"$SAMPLES"; }

# stats < numbers: "n min p50 p99 max", percentiles by nearest rank.
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "0 - - - -"; exit }
    r50 = int(0.5 * NR); if (r50 < 0.5 * NR) r50++
    r99 = int(0.99 * NR); if (r99 < 0.99 * NR) r99++
    printf "%d %.0f %.0f %.0f %.0f\n", NR, v[1], v[r50], v[r99], v[NR] }'
}

# --- raw baseline: docker run of N containers together -> each answers 200 -------------------------------

raw_round() { # raw_round N ROUND: prints ms
  local n=$1 round=$2 t0 i ip
  t0=$(bench_now_us)
  for ((i = 0; i < n; i++)); do
    docker run -d --name "pcb-rep-raw-$round-$i" --label "$BENCH_LABEL" --network pcb-rep-raw "$IMAGE" >/dev/null &
  done
  wait
  for ((i = 0; i < n; i++)); do
    ip=$(bench_container_ip "pcb-rep-raw-$round-$i")
    bench_wait_direct "$ip" 30
  done
  bench_ms_since "$t0"
  for ((i = 0; i < n; i++)); do docker rm -f "pcb-rep-raw-$round-$i" >/dev/null; done
}

raw_series() { # raw_series SERIES N ROUND RECORD(0|1)
  local ms
  ms=$(raw_round "$2" "$2-$3")
  if (($4)); then record "$1" "$ms"; fi
}

# --- the platform --------------------------------------------------------------------------------------------

create_app() { # create_app NAME REPLICAS: prints the app id
  bench_api POST /api/apps "$(jq -nc --arg name "$1" --argjson n "$2" \
    '{name: $name, port: 8080, processes: [{name: "web", kind: "web", replicas: $n}]}')" | jq -er .id
}

# live APP_ID RELEASE_ID GENERATION: the release serves (traffic switched to it: the API gives its deployedAt).
live() {
  bench_app "$1" | jq -e --arg rel "$2" '.currentRelease.id == $rel and .currentRelease.deployedAt != null' >/dev/null
}

# converged APP_ID RELEASE_ID GENERATION: also the old replicas drained and gone, the app running on the generation.
converged() {
  bench_app "$1" | jq -e --arg rel "$2" --argjson gen "$3" \
    '.currentRelease.id == $rel and .status == "running" and .observedGeneration >= $gen' >/dev/null
}

wait_for() { # wait_for CHECK APP_ID RELEASE_ID GENERATION
  local deadline=$((SECONDS + 120)) n=0
  until "$@"; do
    ((SECONDS < deadline && n < 100000)) || bench_die "release $3 of app $2: $1 not reached within 120 s: $(bench_app "$2" | jq -c '{status, lastError}')"
    n=$((n + 1))
    sleep 0.05
  done
}

# every_replica_on APP_ID RELEASE_ID N: N running web replicas on the release, and N upstreams in the route.
every_replica_on() {
  local procs upstreams
  procs=$(bench_api GET "/api/apps/$1/processes") || return 1
  upstreams=$(bench_api GET "/api/apps/$1/internals" | jq '.route.upstreams | length') || return 1
  jq -e --arg rel "$2" --argjson n "$3" '.[] | select(.name == "web") | .replicaStatus
    | length == $n and all(.status == "running" and .releaseId == $rel)' <<<"$procs" >/dev/null && ((upstreams == $3))
}

wait_every_replica_on() {
  local deadline=$((SECONDS + 120))
  until every_replica_on "$@"; do
    ((SECONDS < deadline)) || bench_die "app $1: not every one of $3 replicas runs release $2 within 120 s"
    sleep 0.2
  done
}

# The reconciler's own view: release createdAt -> deployedAt (traffic switched).
record_api_time() { # record_api_time SERIES APP_ID
  local a b
  read -r a b < <(bench_app "$2" | jq -r '.currentRelease // empty | "\(.createdAt) \(.deployedAt // "")"') || return 0
  [[ -n ${a:-} && -n ${b:-} ]] || return 0
  record "$1" "$(awk -v a="$(date -d "$a" +%s.%N)" -v b="$(date -d "$b" +%s.%N)" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }')"
}

deploy_round() { # deploy_round SERIES APP_ID REPLICAS RECORD(0|1)
  local t0 out gen rel ms done_ms
  t0=$(bench_now_us)
  out=$(bench_deploy "$2" "$IMAGE")
  read -r gen rel <<<"$out"
  wait_for live "$2" "$rel" "$gen"
  ms=$(bench_ms_since "$t0")
  wait_for converged "$2" "$rel" "$gen"
  done_ms=$(bench_ms_since "$t0")
  wait_every_replica_on "$2" "$rel" "$3"
  if (($4)); then
    record "$1" "$ms"
    record "$1_done" "$done_ms"
    record_api_time "$1_api" "$2"
  fi
}

measure_platform() {
  local one three i gen rel app
  one=$(create_app "rep1-$SUFFIX" 1)
  three=$(create_app "rep3-$SUFFIX" 3)
  bench_log "first deploys (untimed): rep1-$SUFFIX with 1 web replica, rep3-$SUFFIX with 3"
  for app in "$one:1" "$three:3"; do
    read -r gen rel < <(bench_deploy "${app%%:*}" "$IMAGE")
    wait_for converged "${app%%:*}" "$rel" "$gen"
    wait_every_replica_on "${app%%:*}" "$rel" "${app##*:}"
  done
  docker network create --label "$BENCH_LABEL" pcb-rep-raw >/dev/null
  bench_log "rounds of raw 1, redeploy 1 replica, raw 3, redeploy 3 replicas (1 warm-up + $RUNS)"
  for ((i = 0; i <= RUNS; i++)); do
    raw_series raw1 1 "$i" $((i > 0))
    deploy_round web1 "$one" 1 $((i > 0))
    raw_series raw3 3 "$i" $((i > 0))
    deploy_round web3 "$three" 3 $((i > 0))
  done
}

report() {
  local name label n min p50 p99 max base
  echo
  echo "replica deploy latency, $(date -u '+%F %H:%M UTC'), image $IMAGE, $RUNS rounds each"
  echo "machine: $(bench_machine)"
  printf '%-46s %4s %7s %7s %7s %7s\n' series n min p50 p99 max
  for name in raw1 raw3 web1 web3 web1_api web3_api web1_done web3_done; do
    case $name in
    raw1) label="raw: docker run 1 -> 200" ;;
    raw3) label="raw: docker run 3 together -> all 200" ;;
    web1) label="platform: deploy -> live, 1 web replica" ;;
    web3) label="platform: deploy -> live, 3 web replicas" ;;
    web1_done) label="  (deploy -> old drained, running; 1)" ;;
    web3_done) label="  (deploy -> old drained, running; 3)" ;;
    web1_api) label="  (API createdAt->deployedAt, 1 replica)" ;;
    web3_api) label="  (API createdAt->deployedAt, 3 replicas)" ;;
    esac
    [[ -n $(series "$name") ]] || continue
    read -r n min p50 p99 max < <(series "$name" | stats)
    printf '%-46s %4s %7s %7s %7s %7s\n' "$label" "$n" "$min" "$p50" "$p99" "$max"
  done
  base=$(series web1 | stats | awk '{ print $3 }')
  awk -v a="$(series web3 | stats | awk '{ print $3 }')" -v b="$base" 'BEGIN { if (b > 0) printf "p50 3 replicas / 1 replica: %.2fx\n", a / b }'
  echo "(ms; p99 of $RUNS rounds is their maximum)"
}

main() {
  IMAGE=$(bench_image)
  trap bench_teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_start
  measure_platform
  report
}

main "$@"
