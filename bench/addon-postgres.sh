#!/usr/bin/env bash
# Postgres add-on: POST /api/apps/{id}/addons -> the API reports it ready (the reconciler's pg_isready passed), next to a
# raw `docker volume create` + `docker run -d` of the same image with the same hardening and limits on a user-defined
# network -> pg_isready in it succeeds, in the same run. Both start from an empty volume (initdb included). Each round
# uses a new app; the app is not deployed, so the add-on's path includes creating the app's network. Rounds alternate
# between the two, so both see the same load.
#   bench/addon-postgres.sh [ROUNDS]      (default 5)
set -euo pipefail
export BENCH_DIR=${BENCH_DIR:-/tmp/pcloud-bench-pg}
export BENCH_INSTANCE=${BENCH_INSTANCE:-bench-pg}
export BENCH_API_PORT=${BENCH_API_PORT:-18991} BENCH_HTTP_PORT=${BENCH_HTTP_PORT:-18980} BENCH_HTTPS_PORT=${BENCH_HTTPS_PORT:-18943}
export BENCH_PG_PORT=${BENCH_PG_PORT:-18992} BENCH_DNS_PORT=${BENCH_DNS_PORT:-15991} BENCH_FALLBACK_PORT=${BENCH_FALLBACK_PORT:-15992}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS=${1:-5}
((ROUNDS >= 1 && ROUNDS <= 50)) || bench_die "ROUNDS must be 1..50"
POLL=0.1
SAMPLES=""
record() { SAMPLES+="$1 $2"$'\n'; }
series() { awk -v s="$1" '$1 == s { print $2 }' <<<"$SAMPLES"; }

addon_ready() { bench_api GET "/api/apps/$1/addons" | jq -e '.[0].state == "ready"' >/dev/null; }

api_round() {
  local i=$1 app t0 n
  app=$(bench_create_app "pgbench-$i-$RANDOM")
  t0=$(bench_now_us)
  bench_api POST "/api/apps/$app/addons" '{"kind":"postgres"}' >/dev/null
  for ((n = 0; n < 1200; n++)); do
    addon_ready "$app" && break
    sleep "$POLL"
  done
  addon_ready "$app" || bench_die "the add-on of $app was not ready within 120 s"
  record api "$(bench_ms_since "$t0")"
  bench_api DELETE "/api/apps/$app" >/dev/null
  # Rounds never overlap: the next starts once this server is gone (as the raw rounds' docker rm -f).
  for ((n = 0; n < 600; n++)); do
    [[ -z $(docker ps -aq --filter "label=$BENCH_LABEL" --filter "label=io.personalcloud.app-id=$app") ]] && break
    sleep "$POLL"
  done
}

raw_round() {
  local i=$1 t0 n name network=pcb-pg-raw
  name=pcb-pg-raw-$i
  t0=$(bench_now_us)
  docker volume create --label "$BENCH_LABEL" "$name" >/dev/null
  docker run -d --name "$name" --label "$BENCH_LABEL" --network "$network" --network-alias postgres --user postgres \
    --mount "type=volume,src=$name,dst=/var/lib/postgresql/data" --cap-drop ALL --security-opt no-new-privileges:true \
    --read-only --tmpfs /var/run/postgresql:rw,noexec,nosuid,nodev,size=1m --tmpfs /tmp:rw,noexec,nosuid,nodev,size=64m \
    -m 256m --memory-swap 256m --cpus 1 --pids-limit 256 \
    -e POSTGRES_USER=app -e POSTGRES_DB=app -e POSTGRES_PASSWORD=bench "$IMAGE" postgres >/dev/null
  for ((n = 0; n < 1200; n++)); do
    docker exec "$name" pg_isready -q -h 127.0.0.1 -p 5432 -U app -d app 2>/dev/null && break
    sleep "$POLL"
  done
  docker exec "$name" pg_isready -q -h 127.0.0.1 -p 5432 -U app -d app || bench_die "raw server $name not ready within 120 s"
  record raw "$(bench_ms_since "$t0")"
  docker rm -f "$name" >/dev/null
  docker volume rm "$name" >/dev/null
}

# Rounds alternate (API, raw, API, ...) so both see the same load on a shared machine.
measure() {
  local i
  docker network create --label "$BENCH_LABEL" pcb-pg-raw >/dev/null
  bench_log "$ROUNDS rounds, alternating: the add-on through the API, then a raw docker run of $IMAGE"
  for ((i = 1; i <= ROUNDS; i++)); do
    api_round "$i"
    raw_round "$i"
  done
}

summary() {
  local n min med p90 max
  read -r n min med p90 max < <(series "$1" | bench_stats)
  printf '%-52s n=%-3s min %6s ms   median %6s ms   p90 %6s ms   max %6s ms\n' "$2" "$n" "$min" "$med" "$p90" "$max"
}

IMAGE=$("$BENCH_REPO/scripts/build-postgres-image.sh")
bench_start
trap bench_teardown EXIT
measure

echo
echo "Postgres add-on: create -> accepting connections ($(bench_machine))"
echo "image: $IMAGE; both from an empty volume (initdb + CREATE DATABASE), 256 MB, 1 CPU, no capabilities; poll every ${POLL}s"
summary api "API: POST /addons -> state ready"
summary raw "raw: volume create + docker run -d -> pg_isready"
awk -v a="$(series api | bench_stats | cut -d' ' -f3)" -v b="$(series raw | bench_stats | cut -d' ' -f3)" \
  'BEGIN { if (b > 0) printf "ratio API/raw (median): %.2f\n", a / b }'
