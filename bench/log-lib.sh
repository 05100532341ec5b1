#!/usr/bin/env bash
# Helpers shared by bench/log-ingest.sh and bench/log-query.sh (sourced after bench/lib.sh):
# the flood image, psql against the bench Postgres, percentiles.
# shellcheck disable=SC2034 # sourced

LOG_FLOOD_REPO=pcloud-bench/logflood

# The flood app: serves 200 on 8080 (so its rollout passes), waits FLOOD_DELAY seconds, prints "flood-start", then
# numbered ~80-byte lines as fast as busybox can for FLOOD_SECONDS, then "flood-total <n>".
LOG_FLOOD_SCRIPT='mkdir -p /tmp/www && echo ok > /tmp/www/index.html && httpd -p 8080 -h /tmp/www
sleep "${FLOOD_DELAY:-8}"
echo flood-start
timeout -s TERM "${FLOOD_SECONDS:-20}" sh -c '"'"'trap "echo flood-total \$i; exit 0" TERM; i=0; while :; do echo "flood $i the quick brown fox jumps over the lazy dog 0123456789 abcdefghij"; i=$((i+1)); done'"'"'
sleep 3600
'
LOG_FLOOD_DOCKERFILE='FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY flood.sh /flood.sh
EXPOSE 8080
CMD ["sh", "/flood.sh"]
'

# log_flood_image: builds (or reuses) the image; prints its tag.
log_flood_image() {
  [[ -x /bin/busybox ]] || bench_die "/bin/busybox missing (apt-get install busybox-static)"
  local tag ctx
  tag="$LOG_FLOOD_REPO:$({ printf '%s' "$LOG_FLOOD_SCRIPT$LOG_FLOOD_DOCKERFILE"; sha256sum /bin/busybox; } | sha256sum | cut -c1-12)"
  if ! docker image inspect "$tag" >/dev/null 2>&1; then
    ctx=$(mktemp -d)
    cp /bin/busybox "$ctx/busybox"
    printf '%s' "$LOG_FLOOD_SCRIPT" >"$ctx/flood.sh"
    printf '%s' "$LOG_FLOOD_DOCKERFILE" >"$ctx/Dockerfile"
    docker build -q -t "$tag" "$ctx" >&2 || { rm -rf "$ctx"; bench_die "building $tag failed"; }
    rm -rf "$ctx"
  fi
  echo "$tag"
}

# log_psql ARGS...: psql on the bench cluster's socket as OS user postgres (peer: the only way in as superuser), unaligned, tuples only.
log_psql() {
  runuser -u postgres -- psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PCLOUD_DATA_DIR/run/pg" -p "$PCLOUD_PG_PORT" -U postgres -d personalcloud "$@"
}

# log_percentiles < numbers: "n p50 p99 max" (nearest rank), 1 decimal.
log_percentiles() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "0 - - -"; exit }
    r50 = int(0.5 * NR); if (r50 < 0.5 * NR) r50++
    r99 = int(0.99 * NR); if (r99 < 0.99 * NR) r99++
    printf "%d %.1f %.1f %.1f\n", NR, v[r50], v[r99], v[NR] }'
}
