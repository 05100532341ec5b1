#!/usr/bin/env bash
# Builds the managed Postgres add-on's image without any registry: Debian bookworm's postgresql-15 on a debootstrapped
# Debian base (deploy/postgres/). Cheap when nothing changed: the image carries a hash of this script and of
# deploy/postgres/ as a label, and a present image with that hash is kept. Offline after the first build on a machine:
# debootstrap's packages and the built image are kept in the cache directory, and an image archive found there is loaded
# instead of building (copy it to an offline host to install there).
#   scripts/build-postgres-image.sh [TAG]     (default pcloud/postgres:15; prints the tag)
# On a host that reaches Docker Hub, the official postgres:15 image serves instead (PCLOUD_ADDON_POSTGRES_IMAGE).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TAG=${1:-pcloud/postgres:15}
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONTEXT=$REPO_ROOT/deploy/postgres
BASE_TAG=local/debian:bookworm
CACHE_DIR=${PCLOUD_IMAGE_CACHE_DIR:-/var/cache/personalcloud}
HASH_LABEL=io.personalcloud.image-hash
LOCK=/run/lock/pcloud-postgres-image.lock

build_hash() {
  cat "${BASH_SOURCE[0]}" "$CONTEXT/Dockerfile" "$CONTEXT/docker-entrypoint.sh" | sha256sum | cut -c1-16
}

image_hash() {
  docker image inspect --format "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

# The first deb822 mirror of the host's sources (the same one apt uses), else Debian's.
debian_mirror() {
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
  [[ -n $uri ]] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

ensure_base() {
  docker image inspect "$BASE_TAG" >/dev/null 2>&1 && return 0
  local rootfs_tar=$CACHE_DIR/debian-bookworm-minbase.tar
  if [[ ! -s $rootfs_tar ]]; then
    command -v debootstrap >/dev/null || "$REPO_ROOT/scripts/install-packages.sh"
    local dir
    dir=$(mktemp -d /var/tmp/pcloud-debootstrap.XXXXXX)
    mkdir -p "$CACHE_DIR/debootstrap"
    pcloud_log "postgres image: debootstrapping Debian bookworm (minbase) from $(debian_mirror)"
    debootstrap --variant=minbase --cache-dir="$CACHE_DIR/debootstrap" bookworm "$dir" "$(debian_mirror)" >&2 ||
      pcloud_die "postgres image: debootstrap failed"
    tar -C "$dir" -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
    rm -rf "$dir"
  fi
  pcloud_log "postgres image: importing $BASE_TAG"
  docker import - "$BASE_TAG" <"$rootfs_tar" >/dev/null
}

main() {
  local hash archive
  hash=$(build_hash)
  mkdir -p "$CACHE_DIR" "$(dirname "$LOCK")"
  # One build at a time on this machine (test runs of several checkouts share the engine).
  exec 9>"$LOCK"
  flock 9
  if [[ $(image_hash "$TAG") == "$hash" ]]; then
    echo "$TAG"
    return 0
  fi
  archive=$CACHE_DIR/pcloud-postgres-15-$hash.tar.gz
  if [[ -s $archive ]]; then
    pcloud_log "postgres image: loading $archive"
    gzip -dc "$archive" | docker load >/dev/null
    if [[ $(image_hash "$TAG") == "$hash" ]]; then
      echo "$TAG"
      return 0
    fi
  fi
  ensure_base
  pcloud_log "postgres image: building $TAG (apt-get install postgresql-15)"
  docker build -q --label "$HASH_LABEL=$hash" -t "$TAG" "$CONTEXT" >/dev/null || pcloud_die "postgres image: docker build failed"
  rm -f "$CACHE_DIR"/pcloud-postgres-15-*.tar.gz
  docker save "$TAG" | gzip -1 >"$archive.tmp" && mv "$archive.tmp" "$archive"
  pcloud_log "postgres image: built $TAG ($hash), archive $archive"
  echo "$TAG"
}

main "$@"
