#!/usr/bin/env bash
# Zero downtime under load: wrk (-c 20 -t 2, keep-alive, through Caddy with a Host header) against an app
# running the keep-alive image while the platform changes things, phase by phase:
#   steady     nothing changes (the load's own noise floor)
#   reloads    baseline: N plain Caddy config reloads through the admin socket (a harmless route whose host
#              changes each time, since Caddy skips byte-identical loads)
#   redeploys  N deploys of the app (each waits until the new release runs and the old container is gone)
#   restarts   N restarts of the app (same waits)
#   neighbours 10 other apps created and deployed, then a custom domain added to each (errors seen by the app)
# Reports per phase: requests, non-2xx/3xx responses, socket errors (connect/read/write/timeout), status codes.
# The load runs as back-to-back wrk segments of SEGMENT seconds until the phase's actions are done.
#   bench/zero-downtime.sh [N]      (default 20)
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

N=${1:-20}
((N >= 1 && N <= 200)) || bench_die "N must be 1..200"
NEIGHBOURS=${BENCH_NEIGHBOURS:-10}
CONNECTIONS=${BENCH_WRK_CONNECTIONS:-20}
THREADS=${BENCH_WRK_THREADS:-2}
SEGMENT=${BENCH_WRK_SEGMENT_SECONDS:-5}
MAX_SEGMENTS=120 # 10 minutes of load per phase at most
APP=zd
APP_HOST=$APP.localhost
APP_ID=""
LOAD_PID=""
RESULTS=""
SIDE=""

# --- load -------------------------------------------------------------------------------------------------

# load_start PHASE: wrk segments in the background until load_stop.
load_start() {
  local out=$BENCH_DIR/load-$1.out stop=$BENCH_DIR/load-$1.stop
  : >"$out"
  rm -f "$stop"
  (
    for ((s = 0; s < MAX_SEGMENTS; s++)); do
      [[ -e $stop ]] && break
      wrk -c "$CONNECTIONS" -t "$THREADS" -d "${SEGMENT}s" -s "$BENCH_ROOT/wrk-status.lua" \
        -H "Host: $APP_HOST" "$BENCH_PROXY/" >>"$out" 2>&1 || echo "wrk failed: $?" >>"$out"
    done
  ) &
  LOAD_PID=$!
  LOAD_PHASE=$1
  LOAD_T0=$(bench_now_us)
}

load_stop() {
  touch "$BENCH_DIR/load-$LOAD_PHASE.stop"
  wait "$LOAD_PID" || true
  LOAD_PID=""
}

# load_summary PHASE: "requests non2xx connect read write timeout codes segments"
load_summary() {
  awk '/^WRKSTATS/ {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      r += v["requests"]; st += v["status"]; c += v["connect"]; rd += v["read"]; w += v["write"]; t += v["timeout"]; seg++
      n = split(v["codes"], parts, ",")
      for (j = 1; j <= n; j++) { split(parts[j], cc, ":"); if (cc[1] != "") codes[cc[1]] += cc[2] }
    }
    END {
      s = ""; for (k in codes) s = s (s == "" ? "" : ",") k ":" codes[k]
      printf "%d %d %d %d %d %d %s %d\n", r, st, c, rd, w, t, (s == "" ? "-" : s), seg
    }' "$BENCH_DIR/load-$1.out"
}

# run_phase PHASE LABEL COMMAND...: load on, 2 s, the actions, 2 s, load off; records the summary.
run_phase() {
  local phase=$1 label=$2 seconds
  shift 2
  bench_log "phase $phase: $label"
  load_start "$phase"
  sleep 2
  "$@"
  sleep 2
  seconds=$(bench_ms_since "$LOAD_T0" | awk '{ printf "%.0f", $1 / 1000 }')
  load_stop
  grep -q 'wrk failed' "$BENCH_DIR/load-$phase.out" && bench_log "warning: a wrk segment failed in $phase"
  RESULTS+="$label|$seconds|$(load_summary "$phase")"$'\n'
}

# --- actions ------------------------------------------------------------------------------------------------

steady() { sleep 10; }

# The jq path of the routes of the Caddy server that listens on the HTTP port (whatever its name).
# shellcheck disable=SC2016 # a jq program, not shell
HTTP_ROUTES='(.http.servers | to_entries | map(select((.value.listen // []) | index($listen))) | .[0].key) as $s
  | if $s == null then error("no Caddy server listens on \($listen)") else . end | .http.servers[$s].routes'

# One Caddy reload: the current /config/apps with a route for a never-used host that changes each time.
reload_caddy() {
  local apps new code
  apps=$(bench_caddy_admin http://localhost/config/apps)
  new=$(jq -c --arg listen ":$PCLOUD_HTTP_PORT" --arg host "bench-reload-$1.invalid" "$HTTP_ROUTES"' |=
    ([.[] | select(."@id" != "bench-reload")]
      + [{"@id": "bench-reload", match: [{host: [$host]}],
          handle: [{handler: "static_response", status_code: 204}], terminal: true}])' <<<"$apps")
  code=$(bench_caddy_admin -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
    --data "$new" http://localhost/config/apps)
  [[ $code == 200 ]] || bench_die "Caddy reload answered $code"
}

remove_reload_route() {
  local apps new
  apps=$(bench_caddy_admin http://localhost/config/apps)
  new=$(jq -c --arg listen ":$PCLOUD_HTTP_PORT" "$HTTP_ROUTES"' |= [.[] | select(."@id" != "bench-reload")]' <<<"$apps")
  bench_caddy_admin -o /dev/null -X POST -H 'content-type: application/json' --data "$new" http://localhost/config/apps
}

reloads() {
  local i
  for ((i = 1; i <= N; i++)); do
    reload_caddy "$i"
    sleep 1
  done
}

# side SERIES MS: timings recorded on the side (medians reported).
side() { SIDE+="$1 $2"$'\n'; }

# API view of the rollout: release createdAt -> healthyAt (if the API has it) and -> deployedAt.
side_api_times() {
  local prefix=$1 rel created healthy deployed
  rel=$(bench_app "$APP_ID" | jq -r '.currentRelease // empty | "\(.createdAt) \(.healthyAt // "-") \(.deployedAt // "-")"') || return 0
  read -r created healthy deployed <<<"$rel"
  [[ -n ${created:-} ]] || return 0
  [[ $healthy != - ]] && side "$prefix: API release createdAt->healthyAt" \
    "$(awk -v a="$(date -d "$created" +%s.%N)" -v b="$(date -d "$healthy" +%s.%N)" 'BEGIN { printf "%.1f", (b - a) * 1000 }')"
  [[ $deployed != - ]] && side "$prefix: API release createdAt->deployedAt" \
    "$(awk -v a="$(date -d "$created" +%s.%N)" -v b="$(date -d "$deployed" +%s.%N)" 'BEGIN { printf "%.1f", (b - a) * 1000 }')"
  return 0
}

# rollout KIND: one deploy or restart, waiting for the new container to run and the old one to be gone.
rollout() {
  local kind=$1 old gen t0
  old=$(bench_containers "$APP_ID")
  t0=$(bench_now_us)
  if [[ $kind == redeploy ]]; then
    gen=$(bench_deploy "$APP_ID" "$IMAGE" | cut -d' ' -f1)
  else
    gen=$(bench_restart "$APP_ID")
  fi
  bench_wait_running "$APP_ID" "$gen" 120
  bench_wait_replaced "$APP_ID" "$old" 120
  side "$kind: POST -> new running, old container gone (script)" "$(bench_ms_since "$t0")"
  [[ $kind == redeploy ]] && side_api_times "$kind"
  return 0
}

redeploys() {
  local i
  for ((i = 1; i <= N; i++)); do rollout redeploy; done
}

restarts() {
  local i
  for ((i = 1; i <= N; i++)); do rollout restart; done
}

neighbours() {
  local i id gen
  for ((i = 1; i <= NEIGHBOURS; i++)); do
    id=$(bench_create_app "nb$i" "$IMAGE")
    gen=$(bench_app "$id" | jq -r .generation)
    bench_wait_running "$id" "$gen" 120
    bench_wait_body "nb$i.localhost" 60 >/dev/null
    NEIGHBOUR_IDS+=("$id")
  done
  for ((i = 1; i <= NEIGHBOURS; i++)); do
    bench_api POST "/api/apps/${NEIGHBOUR_IDS[i - 1]}/domains" "$(jq -nc --arg h "nb$i.example.test" '{hostname: $h}')" >/dev/null
    bench_wait_body "nb$i.example.test" 60 >/dev/null
  done
}

# --- report -------------------------------------------------------------------------------------------------

report() {
  local label seconds req non2xx conn rd wr to codes name n min med p90 max
  echo
  echo "zero downtime under load, $(date -u '+%F %H:%M UTC'), image $IMAGE"
  echo "machine: $(bench_machine)"
  echo "load: wrk -c $CONNECTIONS -t $THREADS through Caddy (Host: $APP_HOST), ${SEGMENT}s segments"
  printf '%-34s %5s %9s %8s %8s %6s %6s %8s  %s\n' phase secs requests non2xx3xx connect read write timeout codes
  while IFS='|' read -r label seconds rest; do
    [[ -n $label ]] || continue
    read -r req non2xx conn rd wr to codes _ <<<"$rest"
    printf '%-34s %5s %9s %8s %8s %6s %6s %8s  %s\n' "$label" "$seconds" "$req" "$non2xx" "$conn" "$rd" "$wr" "$to" "$codes"
  done <<<"$RESULTS"
  if [[ -n $SIDE ]]; then
    echo
    printf '%-62s %4s %7s %7s %7s %7s\n' "on the side (ms)" n min median p90 max
    while read -r name; do
      [[ -n $name ]] || continue
      read -r n min med p90 max < <(awk -v s="$name" '{ v = $NF; $NF = ""; sub(/ $/, "") } $0 == s { print v }' <<<"$SIDE" | bench_stats)
      printf '%-62s %4s %7s %7s %7s %7s\n' "$name" "$n" "$min" "$med" "$p90" "$max"
    done < <(awk '{ $NF = ""; sub(/ $/, ""); print }' <<<"$SIDE" | awk '!seen[$0]++')
  fi
}

cleanup() {
  [[ -n $LOAD_PID ]] && { touch "$BENCH_DIR/load-$LOAD_PHASE.stop"; kill "$LOAD_PID" 2>/dev/null || true; wait "$LOAD_PID" 2>/dev/null || true; }
  bench_teardown
}

main() {
  local gen
  IMAGE=$(bench_image)
  NEIGHBOUR_IDS=()
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bench_start
  APP_ID=$(bench_create_app "$APP")
  gen=$(bench_deploy "$APP_ID" "$IMAGE" | cut -d' ' -f1)
  bench_wait_running "$APP_ID" "$gen" 120
  bench_wait_body "$APP_HOST" 30 >/dev/null

  run_phase steady "steady (no changes)" steady
  run_phase reloads "$N plain Caddy reloads (baseline)" reloads
  remove_reload_route
  run_phase redeploys "$N redeploys" redeploys
  run_phase restarts "$N restarts" restarts
  run_phase neighbours "$NEIGHBOURS new apps + $NEIGHBOURS domains" neighbours
  report
}

main "$@"
