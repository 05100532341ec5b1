#!/usr/bin/env bash
# Backup and restore throughput of one volume (default 1 GiB of mixed files: 60 % random, 40 % text, some small files),
# next to plain `tar | zstd -3` (backup) and `zstd -d | tar -x` (restore) of the same volume in the same run, both
# through a busybox container that mounts the volume, as the platform's helper does. The platform's figures include
# encryption, the manifest's checksums and the verification (restore into a scratch volume, read back, compare).
#   BENCH_DIR=/tmp/pcloud-bench-bk bench/backup-throughput.sh [MIB]     (default 1024)
set -euo pipefail
export BENCH_DIR=${BENCH_DIR:-/tmp/pcloud-bench-bk} BENCH_INSTANCE=${BENCH_INSTANCE:-bench-bk}
export BENCH_API_PORT=${BENCH_API_PORT:-18891} BENCH_HTTP_PORT=${BENCH_HTTP_PORT:-18880} BENCH_HTTPS_PORT=${BENCH_HTTPS_PORT:-18843}
export BENCH_PG_PORT=${BENCH_PG_PORT:-18892} BENCH_DNS_PORT=${BENCH_DNS_PORT:-15891} BENCH_FALLBACK_PORT=${BENCH_FALLBACK_PORT:-15892}
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=bench/jobs-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/jobs-lib.sh"
# shellcheck source=bench/log-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/log-lib.sh"

MIB=${1:-1024}
((MIB >= 16 && MIB <= 8192)) || bench_die "MIB must be 16..8192"
command -v zstd >/dev/null || bench_die "zstd missing (apt-get install -y zstd)"

cleanup_volumes() { docker volume ls -q --filter "label=$BENCH_LABEL" | xargs -r docker volume rm -f >/dev/null 2>&1 || true; }
bench_start
trap 'cleanup_volumes; bench_teardown' EXIT
IMAGE=$(bench_busybox_image)
APP=$(bench_api POST /api/apps "$(jq -nc --arg n "bk-$RANDOM" '{name: $n}')" | jq -er .id)
APP_NAME=$(bench_api GET "/api/apps/$APP" | jq -er .name)
VOLUME=$(cat /proc/sys/kernel/random/uuid)
DOCKER_VOLUME="pcloud-vol-${VOLUME//-/}"
# The volumes API is on its own branch: the row and the labelled Docker volume as it will make them.
log_psql -c "INSERT INTO app_volumes (id, app_id, name, mount_path, created_at) VALUES ('$VOLUME', '$APP', 'data', '/data', now())" >/dev/null
docker volume create --label "$BENCH_LABEL" --label "io.personalcloud.app-id=$APP" --label "io.personalcloud.app-name=$APP_NAME" \
  --label "io.personalcloud.volume-id=$VOLUME" --label io.personalcloud.volume-name=data "$DOCKER_VOLUME" >/dev/null

RANDOM_MIB=$((MIB * 6 / 10)) TEXT_MIB=$((MIB - MIB * 6 / 10))
bench_log "filling $DOCKER_VOLUME: ${RANDOM_MIB} MiB random in 4 MiB files, ${TEXT_MIB} MiB text in 1 MiB files, 2000 small files"
docker run --rm --label "$BENCH_LABEL" -v "$DOCKER_VOLUME:/data" "$IMAGE" sh -c "
  mkdir -p /tmp /data/random /data/text /data/small && i=0
  while [ \$i -lt $((RANDOM_MIB / 4)) ]; do head -c 4194304 /dev/urandom > /data/random/r\$i.bin; i=\$((i+1)); done
  i=0; while [ \$i -lt 1024 ]; do echo \"line \$i of a log that compresses well, with a timestamp 2026-12-08T00:00:00Z\"; i=\$((i+1)); done > /tmp/kib
  i=0; while [ \$i -lt 12 ]; do cat /tmp/kib; i=\$((i+1)); done > /tmp/chunk
  i=0; while [ \$i -lt $TEXT_MIB ]; do head -c 1048576 /tmp/chunk > /data/text/t\$i.log; i=\$((i+1)); done
  i=0; while [ \$i -lt 2000 ]; do echo small-\$i > /data/small/s\$i.txt; i=\$((i+1)); done"

WORK=$BENCH_DIR/baseline && mkdir -p "$WORK"
sync
bench_log "baseline: tar | zstd -3 through a container"
t0=$(bench_now_us)
docker run --rm --label "$BENCH_LABEL" -v "$DOCKER_VOLUME:/data:ro" "$IMAGE" tar -C /data -cf - . | zstd -3 -q -T1 -o "$WORK/raw.tar.zst"
RAW_BACKUP=$(bench_ms_since "$t0")
docker volume create --label "$BENCH_LABEL" bench-bk-raw-restore >/dev/null
t0=$(bench_now_us)
zstd -d -q -c "$WORK/raw.tar.zst" | docker run -i --rm --label "$BENCH_LABEL" -v bench-bk-raw-restore:/data "$IMAGE" tar -C /data -xf -
RAW_RESTORE=$(bench_ms_since "$t0")
RAW_SIZE=$(stat -c %s "$WORK/raw.tar.zst")

bench_log "platform: POST .../backups until verified"
t0=$(bench_now_us)
BACKUP=$(bench_api POST "/api/apps/$APP/volumes/data/backups" | jq -er .id)
state() { bench_api GET "/api/apps/$APP/backups/$BACKUP" | jq -er .state; }
pcloud_wait_until 1800 "backup $BACKUP ends" bash -c "[[ \$(curl -fs -H 'Authorization: Bearer $BENCH_TOKEN' $BENCH_API/api/apps/$APP/backups/$BACKUP | jq -r .state) =~ ^(verified|failed)$ ]]"
PLATFORM_BACKUP=$(bench_ms_since "$t0")
[[ $(state) == verified ]] || bench_die "backup failed: $(bench_api GET "/api/apps/$APP/backups/$BACKUP" | jq -r .reason)"
PLATFORM_SIZE=$(bench_api GET "/api/apps/$APP/backups/$BACKUP" | jq -er .sizeBytes)

bench_log "platform: POST .../restores until ready (restore into a new volume, read back, compare)"
t0=$(bench_now_us)
RESTORE=$(bench_api POST "/api/apps/$APP/volumes/data/restores" "$(jq -nc --arg b "$BACKUP" '{backupId: $b}')" | jq -er .id)
pcloud_wait_until 1800 "restore $RESTORE ends" bash -c "[[ \$(curl -fs -H 'Authorization: Bearer $BENCH_TOKEN' $BENCH_API/api/apps/$APP/restores/$RESTORE | jq -r .state) =~ ^(ready|failed)$ ]]"
PLATFORM_RESTORE=$(bench_ms_since "$t0")
[[ $(bench_api GET "/api/apps/$APP/restores/$RESTORE" | jq -r .state) == ready ]] || bench_die "restore failed"
cleanup_volumes

bench_machine
printf '%s MiB volume (%s MiB random, %s MiB text, 2000 small files)\n' "$MIB" "$RANDOM_MIB" "$TEXT_MIB"
printf '%-34s %10s %12s %8s\n' "" "ms" "archive B" "x raw"
printf '%-34s %10s %12s %8s\n' "backup: tar | zstd -3 (raw)" "$RAW_BACKUP" "$RAW_SIZE" "1.00"
printf '%-34s %10s %12s %8s\n' "backup: platform (incl. verify)" "$PLATFORM_BACKUP" "$PLATFORM_SIZE" "$(awk -v a="$PLATFORM_BACKUP" -v b="$RAW_BACKUP" 'BEGIN { printf "%.2f", a / b }')"
printf '%-34s %10s %12s %8s\n' "restore: zstd -d | tar -x (raw)" "$RAW_RESTORE" "-" "1.00"
printf '%-34s %10s %12s %8s\n' "restore: platform (incl. check)" "$PLATFORM_RESTORE" "-" "$(awk -v a="$PLATFORM_RESTORE" -v b="$RAW_RESTORE" 'BEGIN { printf "%.2f", a / b }')"
