#!/usr/bin/env bash
# Log reads with millions of stored lines: seeds LINES lines (default 5,000,000) for one app directly with COPY,
# plus OTHER lines (default 500,000) spread over three other apps, then measures p50/p99 over REQUESTS requests each of
#   tail:        GET /api/apps/{id}/logs?limit=1000
#   search:      GET /api/apps/{id}/logs?q=<word>&limit=100   for a word in ~1 line in 500 and one in ~1 line in 1,000,000
# through the API with curl (time_total), and prints the SQL plans and one retention pass on that table
# (EXPLAIN ANALYZE inside a rolled-back transaction).
#   bench/log-query.sh [LINES] [REQUESTS]
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/log-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/log-lib.sh"

LINES=${1:-5000000}
REQUESTS=${2:-200}
OTHER=${BENCH_LOG_OTHER_LINES:-500000}
((LINES >= 1000 && LINES <= 50000000)) || bench_die "LINES must be 1000..50000000"
((REQUESTS >= 10 && REQUESTS <= 10000)) || bench_die "REQUESTS must be 10..10000"

# seed APP_ID CONTAINER COUNT SEED: COUNT lines over the last 48 hours in COPY text format, then \copy.
seed() {
  local app=$1 container=$2 count=$3 seed=$4 start
  start=$(($(date +%s) - 48 * 3600))
  awk -v app="$app" -v c="$container" -v n="$count" -v seed="$seed" -v start="$start" 'BEGIN {
    srand(seed)
    split("INFO INFO INFO INFO DEBUG WARN ERROR", lvl, " ")
    split("GET GET GET POST PUT DELETE", verb, " ")
    split("items orders users carts search login checkout reports invoices health", res, " ")
    split("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango", w, " ")
    for (i = 0; i < n; i++) {
      t = start + i * (48 * 3600 / n)
      ts = strftime("%Y-%m-%d %H:%M:%S", int(t), 1) sprintf(".%06d+00", (t - int(t)) * 1000000)
      r = rand()
      extra = (r < 0.002) ? " upstream timeout after 30000ms" : (r > 0.999999) ? " kangaroo detected" : ""
      printf "%s\t%s\tstdout\t%s %s /api/%s/%d %d %dms req=%08x %s %s%s\t%s\n", app, c, lvl[int(rand() * 7) + 1], verb[int(rand() * 6) + 1],
        res[int(rand() * 10) + 1], int(rand() * 100000), (rand() < 0.95 ? 200 : 500), int(rand() * 900) + 1, int(rand() * 2147483647),
        w[int(rand() * 20) + 1], w[int(rand() * 20) + 1], extra, ts
    }
  }' | log_psql -c "\\copy log_lines (app_id, container_id, stream, message, timestamp) FROM STDIN"
}

# measure NAME URL_PATH: prints "NAME n p50 p99 max" in ms; every response must be 200.
measure() {
  local name=$1 path=$2 i out
  : >"$BENCH_DIR/$name.ms"
  for ((i = 0; i < REQUESTS; i++)); do
    out=$(curl -s -o "$BENCH_DIR/$name.body" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $BENCH_TOKEN" "$BENCH_API$path")
    [[ ${out%% *} == 200 ]] || bench_die "$path answered ${out%% *}: $(head -c 300 "$BENCH_DIR/$name.body")"
    awk -v s="${out#* }" 'BEGIN { printf "%.2f\n", s * 1000 }' >>"$BENCH_DIR/$name.ms"
  done
  printf '%s %s %s\n' "$name" "$(log_percentiles <"$BENCH_DIR/$name.ms")" "$(jq length "$BENCH_DIR/$name.body")"
}

main() {
  bench_start
  trap bench_teardown EXIT
  bench_log "machine: $(bench_machine)"
  BENCH_TOKEN=$(<"$PCLOUD_DATA_DIR/api-token")
  local id other s
  id=$(bench_create_app logq)
  # Keep everything seeded: retention must not run into the measurement.
  log_psql -c "UPDATE apps SET log_retention_lines = 10000000, log_retention_hours = 8760"

  s=$(bench_now_us)
  seed "$id" seedcontainer-main "$LINES" 1
  bench_log "seeded $LINES lines in $(bench_ms_since "$s") ms"
  for n in 1 2 3; do
    other=$(bench_create_app "logq-other-$n")
    log_psql -c "UPDATE apps SET log_retention_lines = 10000000, log_retention_hours = 8760 WHERE id = '$other'"
    seed "$other" "seedcontainer-$n" $((OTHER / 3)) $((n + 1))
  done
  # Seeded like the collector stores: each container's id range waits for the search indexer, which the reads
  # below need done (a search filters not yet indexed ranges directly, which is not what this measures).
  log_psql -c "INSERT INTO log_search_pending (app_id, container_id, after_id, last_id)
               SELECT app_id, container_id, min(id) - 1, max(id) FROM log_lines GROUP BY app_id, container_id"
  s=$(bench_now_us)
  local deadline=$((SECONDS + 1800))
  until [[ $(log_psql -c "SELECT count(*) FROM log_search_pending") == 0 ]]; do
    ((SECONDS < deadline)) || bench_die "the search indexer did not finish within 30 minutes"
    sleep 1
  done
  bench_log "search index: $((LINES + OTHER)) lines in $(bench_ms_since "$s") ms; $(log_psql -c \
    "SELECT count(*) || ' chunks, ' || round(avg(cardinality(keys))) || ' keys a chunk, ' || pg_size_pretty(pg_total_relation_size('log_search_chunks')) FROM log_search_chunks")"
  s=$(bench_now_us)
  log_psql -c "VACUUM ANALYZE log_lines"
  bench_log "vacuum analyze in $(bench_ms_since "$s") ms; table $(log_psql -c "SELECT pg_size_pretty(pg_total_relation_size('log_lines'))") with indexes"
  log_psql -c "SELECT 'matches: timeout ' || count(*) FILTER (WHERE message LIKE '%timeout%') || ', kangaroo ' || count(*) FILTER (WHERE message LIKE '%kangaroo%') FROM log_lines WHERE app_id = '$id'" >&2

  echo "| query (${REQUESTS} requests each, sequential, curl time_total) | n | p50 ms | p99 ms | max ms | lines returned |"
  echo "|---|---:|---:|---:|---:|---:|"
  measure tail "/api/apps/$id/logs?limit=1000" | awk '{ printf "| tail `?limit=1000` | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }'
  measure search-common "/api/apps/$id/logs?q=timeout&limit=100" | awk '{ printf "| search `?q=timeout&limit=100` (1 line in 500) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }'
  jq -e 'all(.[]; .message | contains("timeout"))' "$BENCH_DIR/search-common.body" >/dev/null ||
    bench_log "WARNING: the API ignored q (lines without the word came back): measure the SQL instead"
  measure search-rare "/api/apps/$id/logs?q=kangaroo&limit=100" | awk '{ printf "| search `?q=kangaroo&limit=100` (1 line in 10^6) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }'
  measure search-phrase "/api/apps/$id/logs?q=upstream%20timeout%20after&limit=100" | awk '{ printf "| search `?q=upstream timeout after&limit=100` (1 line in 500, 20 keys) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }'
  measure search-none "/api/apps/$id/logs?q=zebra-crossing&limit=100" | awk '{ printf "| search `?q=zebra-crossing&limit=100` (no line) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }'
  measure search-page "/api/apps/$id/logs?q=timeout&limit=100&before=$((LINES / 2))" | awk '{ printf "| search `?q=timeout&limit=100&before=<middle>` (an older page) | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6 }'

  plans "$id"
}

plans() {
  local id=$1
  {
    echo "--- tail plan"
    log_psql -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT id, release_id, stream, message, timestamp FROM log_lines WHERE app_id BETWEEN '$id' AND '$id' ORDER BY app_id, id DESC LIMIT 1001"
    echo "--- search: the chunks that hold every key (LogSearchKeys.Of) of 'kangaroo' (rare) and of 'timeout' (common)"
    log_psql -c "SET enable_seqscan = off" -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT container_id, first_id, last_id FROM log_search_chunks WHERE app_id = '$id' AND keys @> '{1603431,1603951,1700082,1765614,1815521,1882095}' ORDER BY last_id DESC"
    log_psql -c "SET enable_seqscan = off" -c "SELECT count(*) || ' of ' || (SELECT count(*) FROM log_search_chunks WHERE app_id = '$id') || ' chunks hold the keys of timeout' FROM log_search_chunks WHERE app_id = '$id' AND keys @> '{1669109,1734373,1798895,1833716,1914093}'"
    echo "--- retention, by count: the bounds (one OFFSET walk for an app over its limit), then one 20,000-line chunk (rolled back)"
    log_psql <<SQL
BEGIN;
UPDATE apps SET log_retention_lines = $((LINES - 50000)) WHERE id = '$id';
\\timing on
$(retention_sql CountBoundsSql 10000) \\gset bound_
\\echo bound :bound_app_id :bound_last_old_id
EXPLAIN (ANALYZE, COSTS OFF) $(retention_sql DeleteByCountSql "ARRAY[:'bound_app_id']::uuid[]" "ARRAY[:bound_last_old_id]::bigint[]" 20000);
ROLLBACK;
SQL
    echo "--- retention, by age: bounds and a chunk with nothing to remove (every 30 s in steady state)"
    log_psql <<SQL
\\timing on
$(retention_sql AgeBoundsSql 168 "now()");
EXPLAIN (ANALYZE, COSTS OFF) $(retention_sql DeleteByAgeSql "ARRAY['$id']::uuid[]" "ARRAY[now() - interval '168 hours']::timestamptz[]" 20000);
SQL
  } >&2
}

# retention_sql CONST ARG1 ARG2 ARG3: the statement LogRetention.cs keeps in CONST, with its $1, $2, $3 replaced.
retention_sql() {
  local name=$1 sql
  sql=$(sed -n "/const string $name =/,/;\$/p" "$BENCH_REPO/src/Reconciler/Logs/LogRetention.cs")
  if [[ $sql == *'"""'* ]]; then
    sql=$(sed -e '1,2d' -e '$d' <<<"$sql")
  else
    sql=$(sed -e '1d' -e 's/^[^"]*"//' -e 's/";$//' <<<"$sql")
  fi
  sql=${sql//\$1/${2:-}}
  sql=${sql//\$2/${3:-}}
  printf '%s\n' "${sql//\$3/${4:-}}"
}

main "$@"
