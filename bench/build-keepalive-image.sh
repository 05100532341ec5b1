#!/usr/bin/env bash
# Builds pcloud-bench/keepalive:<content hash> (and :latest): FROM scratch with only
# a static HTTP/1.1 keep-alive server (keepalive-server/server.c) on port 8080.
# Idempotent: an image whose tag (hash of the inputs) exists is not rebuilt.
# Callable from anywhere; prints the tag on stdout, logs on stderr.
#   bench/build-keepalive-image.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

REPO=pcloud-bench/keepalive
CFLAGS=(-O2 -static -Wall -Wextra -Werror)
DOCKERFILE='FROM scratch
COPY server /server
EXPOSE 8080
ENTRYPOINT ["/server"]
'

log() { printf '[bench] %s\n' "$*" >&2; }

ensure_compiler() {
  # -print-file-name echoes the bare name when the static libc (libc6-dev) is missing.
  if command -v gcc >/dev/null && [[ $(gcc -print-file-name=libc.a) == /* ]]; then
    return 0
  fi
  log "installing gcc and libc6-dev"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev >&2 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gcc libc6-dev >&2
  }
}

# The tag names what goes in: the source, the flags, the Dockerfile and the compiler.
content_hash() {
  {
    cat keepalive-server/server.c
    printf '%s\n' "${CFLAGS[*]}" "$DOCKERFILE"
    gcc --version | head -n 1
  } | sha256sum | cut -c1-12
}

main() {
  ensure_compiler
  local tag ctx
  tag="$REPO:$(content_hash)"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    log "keepalive image: $tag already built"
  else
    ctx=$(mktemp -d)
    # shellcheck disable=SC2064 # expand now: ctx is local
    trap "rm -rf '$ctx'" EXIT
    log "keepalive image: gcc ${CFLAGS[*]} server.c"
    gcc "${CFLAGS[@]}" -o "$ctx/server" keepalive-server/server.c
    strip "$ctx/server"
    printf '%s' "$DOCKERFILE" >"$ctx/Dockerfile"
    # The engine has no BuildKit; the CLI's "legacy builder" warning is noise.
    if ! docker build -q -t "$tag" "$ctx" >"$ctx/build.log" 2>&1; then
      cat "$ctx/build.log" >&2
      log "error: docker build failed"
      exit 1
    fi
    log "keepalive image: built $tag ($(docker image inspect -f '{{.Size}}' "$tag") bytes)"
  fi
  docker tag "$tag" "$REPO:latest"
  printf '%s\n' "$tag"
}

main "$@"
