#!/usr/bin/env bash
# Shared by bench/cron-latency.sh and bench/run-latency.sh: a busybox image (/bin/sh, echo, httpd) that serves on 8080 as
# an app and runs commands as a job, and an app of it on the bench platform. Sourced after bench/lib.sh.

# bench_busybox_image: builds (once per content) pcloud-bench/busybox:<hash> FROM scratch with Debian's static busybox; prints the tag.
bench_busybox_image() {
  local context tag
  [[ -x /bin/busybox ]] || bench_die "/bin/busybox missing (apt-get install busybox-static)"
  context=$(mktemp -d)
  cp /bin/busybox "$context/busybox"
  cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
EXPOSE 8080
CMD ["sh", "-c", "mkdir -p /tmp/www && echo ok > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
DOCKERFILE
  tag="pcloud-bench/busybox:$(cat "$context/Dockerfile" "$context/busybox" | sha256sum | cut -c1-12)"
  docker image inspect "$tag" >/dev/null 2>&1 || docker build -q -t "$tag" --label "io.personalcloud.bench=true" "$context" >/dev/null
  rm -rf "$context"
  echo "$tag"
}

# bench_serving_app NAME IMAGE: creates the app with the image, waits until it serves; prints "id releaseId".
bench_serving_app() {
  local id app
  id=$(bench_create_app "$1" "$2")
  bench_wait_running "$id" 1 180 || bench_die "app $1 did not start"
  app=$(bench_app "$id")
  echo "$id $(jq -r .currentRelease.id <<<"$app")"
}

# bench_p STATS_PERCENT < numbers: the nearest-rank percentile (p50, p99) of the numbers.
bench_p() {
  sort -g | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } r = int(p / 100 * NR); if (r < p / 100 * NR) r++; if (r < 1) r = 1; printf "%.0f\n", v[r] }'
}

# bench_iso_ms ISO8601: milliseconds since the epoch (GNU date; nanoseconds kept to the millisecond).
bench_iso_ms() { date -d "$1" +%s%3N; }
