#!/usr/bin/env bash
# Cron start latency: a job on a one-second schedule, from each scheduled time to
#   running:    the container running (the engine's State.StartedAt, as the run records it)
#   first line: its first log line (the engine's timestamp of the line, as stored by the log pipeline)
# p50/p99 over RUNS runs, next to a raw `docker run -d` of the same image and command measured in the same run
# (invocation -> State.StartedAt, and -> the first line's engine timestamp). Goal: p99 <= 1 s, <= 1.3 x raw.
# The job fires every INTERVAL seconds (default 2): an engine on 2 cores takes ~0.8 s to create and start a container on
# a network, so a start every second plus the previous run's removal queues work in the engine and measures that queue.
#   bench/cron-latency.sh [RUNS] [INTERVAL]      (defaults 100, 2)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/jobs-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/jobs-lib.sh"

RUNS=${1:-100}
INTERVAL=${2:-2}
((RUNS >= 5 && RUNS <= 1000)) || bench_die "RUNS must be 5..1000"
((INTERVAL >= 1 && INTERVAL <= 30)) || bench_die "INTERVAL must be 1..30 seconds"
COMMAND='echo tick'
SAMPLES=""
record() { SAMPLES+="$1 $2"$'\n'; }
series() { awk -v s="$1" '$1 == s { print $2 }' <<<"$SAMPLES"; }

measure_raw() { # docker run -d on the app's own network, same image, same command
  local network=$1 i n t0 name started first
  bench_log "raw: docker run -d of $IMAGE on $network (1 warm-up + $RUNS)"
  for ((i = 0; i <= RUNS; i++)); do
    name="pcb-cron-raw-$i"
    t0=$(($(bench_now_us) / 1000))
    docker run -d --name "$name" --label "$BENCH_LABEL" --network "$network" --init --entrypoint /bin/sh "$IMAGE" -c "$COMMAND" >/dev/null
    started=$(bench_iso_ms "$(docker inspect -f '{{.State.StartedAt}}' "$name")")
    first=""
    for ((n = 0; n < 500; n++)); do
      first=$(docker logs -t "$name" 2>&1 | head -n 1 | cut -d' ' -f1)
      [[ -n $first ]] && break
      sleep 0.01
    done
    docker rm -f "$name" >/dev/null
    [[ -n $first ]] || bench_die "raw run $i printed nothing"
    if ((i > 0)); then
      record raw-running $((started - t0))
      record raw-line $(($(bench_iso_ms "$first") - t0))
    fi
  done
}

measure_cron() {
  local app=$1 job runs count=0 deadline
  job=$(bench_api POST "/api/apps/$app/cron" "$(jq -nc --arg c "$COMMAND" --arg s "*/$INTERVAL * * * * *" '{name: "tick", schedule: $s, command: $c, concurrencyPolicy: "allow"}')" | jq -er .id)
  bench_log "cron: job $job every $INTERVAL s; waiting for 1 warm-up + $RUNS runs"
  deadline=$((SECONDS + RUNS * (INTERVAL + 2) + 60))
  while ((SECONDS < deadline)); do
    runs=$(bench_api GET "/api/apps/$app/cron/$job/runs?limit=100")
    count=$(jq '[.[] | select(.status == "ended")] | length' <<<"$runs")
    ((count >= RUNS + 1 || count >= 100)) && break
    sleep 1
  done
  bench_api POST "/api/apps/$app/cron/$job/suspend" >/dev/null
  # Oldest first; the first is the warm-up.
  jq -c '[.[] | select(.status == "ended")] | sort_by(.scheduledFor) | .[1:] | .[]' <<<"$runs" | while read -r run; do
    local id scheduled started outcome line
    id=$(jq -r .id <<<"$run")
    outcome=$(jq -r .outcome <<<"$run")
    scheduled=$(bench_iso_ms "$(jq -r .scheduledFor <<<"$run")")
    if [[ $outcome != succeeded ]]; then
      echo "other $outcome"
      continue
    fi
    started=$(bench_iso_ms "$(jq -r .startedAt <<<"$run")")
    line=$(bench_api GET "/api/apps/$app/logs?run=$id&limit=1" | jq -r '.[0].timestamp // empty')
    echo "cron-running $((started - scheduled))"
    [[ -n $line ]] && echo "cron-line $(($(bench_iso_ms "$line") - scheduled))"
  done
}

summary() { # summary SERIES LABEL
  local values
  values=$(series "$1")
  printf '%-34s n=%-4s p50 %5s ms   p99 %5s ms   max %5s ms\n' "$2" "$(grep -c . <<<"$values")" \
    "$(bench_p 50 <<<"$values")" "$(bench_p 99 <<<"$values")" "$(bench_p 100 <<<"$values")"
}

ratio() { awk -v a="$(series "$1" | bench_p "$3")" -v b="$(series "$2" | bench_p "$3")" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

bench_start
trap bench_teardown EXIT
IMAGE=$(bench_busybox_image)
read -r APP _ < <(bench_serving_app "cronbench" "$IMAGE")
NETWORK="pcloud-app-${APP//-/}"
SAMPLES+=$(measure_cron "$APP")$'\n'
measure_raw "$NETWORK"

echo
echo "Cron start latency ($(bench_machine))"
echo "job: '*/$INTERVAL * * * * *' running '$COMMAND' in $IMAGE; raw: docker run -d --init on the app's network"
summary cron-running "cron: scheduled -> running"
summary raw-running "raw docker run -> running"
summary cron-line "cron: scheduled -> first line"
summary raw-line "raw docker run -> first line"
printf 'ratio cron/raw: running p50 %s p99 %s, first line p50 %s p99 %s\n' \
  "$(ratio cron-running raw-running 50)" "$(ratio cron-running raw-running 99)" "$(ratio cron-line raw-line 50)" "$(ratio cron-line raw-line 99)"
others=$(series other | sort | uniq -c | tr '\n' ' ')
[[ -z $others ]] || echo "runs that did not succeed: $others"
