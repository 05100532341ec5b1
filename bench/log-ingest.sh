#!/usr/bin/env bash
# Log ingest under a flood: one app prints ~80-byte lines as fast as busybox can for FLOOD seconds.
# In the same run, `docker logs -f -t` reads the same container (the engine's own delivery rate, the baseline).
# Every second: lines stored (log_cursors.lines_stored), lines dropped, lines `docker logs -f` has read,
# the Reconciler's RSS. Prints rates over the flood window, totals, and RSS peak/end.
#   bench/log-ingest.sh [FLOOD] [CPUS]        (defaults 20 s, 0.5 CPU for the flood app: the platform default)
# Env: BENCH_LOG_RETENTION=default keeps the platform's 10,000-line retention running during the flood
#      (otherwise the app keeps 10,000,000 lines so only ingest is measured).
#      BENCH_LOG_BASELINE=0 runs without the `docker logs -f` reader (it takes CPU from the platform on 2 cores).
#      BENCH_LOG_LINE_TRGM=1 adds the per-line trigram index (gin_trgm_ops on log_lines.message) the search used
#      before the chunk index (migration 0006): what such an index costs ingest (diagnostic only).
# The search index (chunks of lines, built after they are stored) is sampled too: its backlog (ids of the flood
# container's lines not yet in a chunk, which a search filters directly) and when it caught up.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/log-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/log-lib.sh"

FLOOD=${1:-20}
CPUS=${2:-0.5}
DELAY=8
((FLOOD >= 5 && FLOOD <= 300)) || bench_die "FLOOD must be 5..300 seconds"
SAMPLES=$BENCH_DIR/log-ingest.samples
COUNT=$BENCH_DIR/docker-logs.count

main() {
  local image app id container rpid reader
  image=$(log_flood_image)
  bench_start
  trap bench_teardown EXIT
  bench_log "machine: $(bench_machine)"

  id=$(bench_api POST /api/apps "$(jq -nc --argjson cpus "$CPUS" \
    '{name: "flood", port: 8080, limits: {memoryMb: 256, cpus: $cpus, pids: 256}}')" | jq -er .id)
  bench_api POST "/api/apps/$id/env" "$(jq -nc --arg s "$FLOOD" --arg d "$DELAY" '{vars: {FLOOD_SECONDS: $s, FLOOD_DELAY: $d}}')" >/dev/null
  bench_deploy "$id" "$image" >/dev/null
  if [[ ${BENCH_LOG_LINE_TRGM:-0} == 1 ]]; then
    log_psql -c "CREATE INDEX log_lines_message_trgm ON log_lines USING gin (message gin_trgm_ops)"
  fi
  if [[ ${BENCH_LOG_RETENTION:-} != default ]]; then
    log_psql -c "UPDATE apps SET log_retention_lines = 10000000 WHERE id = '$id'"
  fi
  bench_log "app $id: waiting for its container"
  local deadline=$((SECONDS + 60))
  until container=$(bench_containers "$id") && [[ -n $container ]]; do
    ((SECONDS < deadline)) || bench_die "the flood app did not start"
    sleep 0.2
  done
  rpid=$(bench_pid_of reconciler)
  bench_log "container ${container:0:12}; flood of ${FLOOD}s starts ${DELAY}s after its start"

  echo 0 >"$COUNT"
  reader=
  if [[ ${BENCH_LOG_BASELINE:-1} != 0 ]]; then
    (timeout $((DELAY + FLOOD + 90)) docker logs -f -t "$container" 2>&1 |
      awk -v f="$COUNT" 'NR % 2000 == 0 { print NR > f; close(f) } END { print NR > f; close(f) }') &
    reader=$!
  fi

  : >"$SAMPLES"
  local start_us now stored dropped pending read rss last_total=-1 still=0 i
  start_us=$(bench_now_us)
  for ((i = 0; i < DELAY + FLOOD + 120; i++)); do
    now=$(bench_now_us)
    IFS='|' read -r stored dropped pending < <(log_psql -c \
      "SELECT coalesce(sum(lines_stored), 0), coalesce(sum(lines_dropped), 0),
              (SELECT coalesce(sum(last_id - after_id), 0) FROM log_search_pending WHERE container_id = '$container')
       FROM log_cursors WHERE container_id = '$container'")
    read -r rss _ < <(bench_mem "$rpid")
    read -r read <"$COUNT" || read=0
    printf '%s %s %s %s %s %s\n' "$(((now - start_us) / 1000))" "$stored" "$dropped" "$read" "$rss" "$pending" >>"$SAMPLES"
    # Done when the flood is over, stored + dropped stopped moving for 5 s and the search index caught up (less than
    # a chunk's worth left, which the indexer leaves for up to a minute in case more comes).
    if ((i > DELAY + FLOOD + 2)); then
      if ((stored + dropped == last_total && pending < 1000)); then still=$((still + 1)); else still=0; fi
      ((still >= 5)) && break
    fi
    last_total=$((stored + dropped))
    sleep "$(awk -v s="$start_us" -v n="$(bench_now_us)" -v i="$i" 'BEGIN { d = (s + (i + 1) * 1000000 - n) / 1000000; print (d > 0 ? d : 0) }')"
  done
  if [[ -n $reader ]]; then
    kill "$reader" 2>/dev/null || true
    wait "$reader" 2>/dev/null || true
  fi

  report "$id" "$container"
}

report() {
  local id=$1 container=$2 total markers
  # The app's own count, from the engine (the stored copy of that line may have been dropped).
  total=$(docker logs --tail 50 "$container" 2>&1 | awk '$1 == "flood-total" { n = $2 } END { print (n == "" ? -1 : n) }')
  markers=$(log_psql -c "SELECT count(*) FROM log_lines WHERE container_id = '$container' AND stream = 'platform'")
  # The flood window: FLOOD seconds from the first sample where 1,000 lines were read (by `docker logs -f` or the platform).
  awk -v flood="$FLOOD" -v total="$total" -v markers="$markers" '
    { t[NR] = $1; s[NR] = $2; d[NR] = $3; r[NR] = $4; m[NR] = $5; p[NR] = $6; if ($5 > peak) peak = $5; if ($6 > maxp) maxp = $6 }
    END {
      for (i = 1; i <= NR; i++) if (r[i] >= 1000 || s[i] + d[i] >= 1000) { a = i; break }
      for (i = a; i <= NR && t[i] <= t[a] + flood * 1000 + 500; i++) b = i
      secs = (t[b] - t[a]) / 1000
      printf "| flood window (s, from the samples) | %.1f |\n", secs
      printf "| `docker logs -f -t` read (lines/s) | %.0f |\n", (r[b] - r[a]) / secs
      printf "| stored by the platform (lines/s, same window) | %.0f |\n", (s[b] - s[a]) / secs
      printf "| dropped by the platform (lines/s, same window) | %.0f |\n", (d[b] - d[a]) / secs
      printf "| lines the app printed (its own count) | %s |\n", (total < 0 ? "?" : total)
      printf "| `docker logs -f` read in all | %d |\n", r[NR]
      printf "| stored / dropped in all (after the catch-up) | %d / %d (%d drop lines) |\n", s[NR], d[NR], markers
      printf "| catch-up after the flood window (s) | %.1f |\n", (t[NR] - t[b]) / 1000 - 5
      printf "| Reconciler RSS before / peak / end (MiB) | %.1f / %.1f / %.1f |\n", m[1] / 1024, peak / 1024, m[NR] / 1024
      for (i = b; i <= NR && p[i] >= 1000; i++) c = i
      printf "| search index backlog at the window end / largest (ids not yet chunked) | %d / %d |\n", p[b], maxp
      printf "| search index caught up after the window (s; under one chunk left) | %.1f |\n", (p[b] < 1000 ? 0 : (t[c + 1 <= NR ? c + 1 : NR] - t[b]) / 1000)
    }' "$SAMPLES"
  bench_log "samples (ms stored dropped docker-read rss_kb index-backlog) in $SAMPLES"
  [[ ${BENCH_KEEP:-0} == 1 ]] || cp "$SAMPLES" /tmp/log-ingest.samples
}

main "$@"
