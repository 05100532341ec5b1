#!/usr/bin/env bash
# One-off run latency: POST /api/apps/{id}/runs -> the first output line arriving on the run's live output stream
# (SSE), next to a raw `docker run --rm` of the same image and command in the same run -> its first stdout line, both
# as the client sees them. p50/p99 of RUNS runs each (after one warm-up).
#   bench/run-latency.sh [RUNS]      (default 30)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/jobs-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/jobs-lib.sh"

RUNS=${1:-30}
((RUNS >= 3 && RUNS <= 300)) || bench_die "RUNS must be 3..300"
COMMAND='echo first-line; sleep 0.2'
SAMPLES=""
record() { SAMPLES+="$1 $2"$'\n'; }
series() { awk -v s="$1" '$1 == s { print $2 }' <<<"$SAMPLES"; }

# first_line_ms T0_US COMMAND...: runs the command, returns when its output has a line holding "first-line"; prints ms since T0.
first_line_ms() {
  local t0=$1
  shift
  # grep -m1 quits at the line; the client may still write after that and die of SIGPIPE, which pipefail would count
  # as a failure: only grep's verdict counts.
  { timeout 60 "$@" 2>/dev/null || true; } | grep -m1 -q 'first-line' || bench_die "no first line from: $*"
  bench_ms_since "$t0"
}

measure_run() {
  local app=$1 i t0 run ms
  bench_log "one-off runs through the API (1 warm-up + $RUNS)"
  for ((i = 0; i <= RUNS; i++)); do
    t0=$(bench_now_us)
    run=$(bench_api POST "/api/apps/$app/runs" "$(jq -nc --arg c "$COMMAND" '{command: $c}')" | jq -er .id)
    ms=$(first_line_ms "$t0" curl -sN --max-time 60 -H "Authorization: Bearer $BENCH_TOKEN" "$BENCH_API/api/apps/$app/runs/$run/output")
    ((i > 0)) && record run "$ms"
  done
}

measure_raw() {
  local network=$1 i t0 ms
  bench_log "raw: docker run --rm of $IMAGE on $network (1 warm-up + $RUNS)"
  for ((i = 0; i <= RUNS; i++)); do
    t0=$(bench_now_us)
    ms=$(first_line_ms "$t0" docker run --rm --name "pcb-run-raw-$i" --label "$BENCH_LABEL" --network "$network" --init --entrypoint /bin/sh "$IMAGE" -c "$COMMAND")
    ((i > 0)) && record raw "$ms"
    docker rm -f "pcb-run-raw-$i" >/dev/null 2>&1 || true
  done
}

summary() {
  local values
  values=$(series "$1")
  printf '%-40s n=%-4s p50 %5s ms   p99 %5s ms   max %5s ms\n' "$2" "$(grep -c . <<<"$values")" \
    "$(bench_p 50 <<<"$values")" "$(bench_p 99 <<<"$values")" "$(bench_p 100 <<<"$values")"
}

bench_start
trap bench_teardown EXIT
IMAGE=$(bench_busybox_image)
read -r APP _ < <(bench_serving_app "runbench" "$IMAGE")
BENCH_TOKEN=$(<"$PCLOUD_DATA_DIR/api-token")
measure_run "$APP"
measure_raw "pcloud-app-${APP//-/}"

echo
echo "One-off run latency ($(bench_machine))"
echo "command: '$COMMAND' in $IMAGE; raw: docker run --rm --init on the app's network, stdout read by the client"
summary run "run: POST /runs -> first line on SSE"
summary raw "raw docker run -> first stdout line"
awk -v a="$(series run | bench_p 50)" -v b="$(series raw | bench_p 50)" -v c="$(series run | bench_p 99)" -v d="$(series raw | bench_p 99)" \
  'BEGIN { printf "ratio run/raw: p50 %.2f, p99 %.2f\n", a / b, c / d }'
