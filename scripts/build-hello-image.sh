#!/usr/bin/env bash
# Builds a tiny demo image without any registry: FROM scratch + Debian's static
# busybox, serving a page that shows $GREETING on port 8080.
#   scripts/build-hello-image.sh [TAG]     (default pcloud/hello:1)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TAG=${1:-pcloud/hello:1}
BUSYBOX=/bin/busybox

write_context() {
  local ctx=$1
  cp "$BUSYBOX" "$ctx/busybox"
  mkdir -p "$ctx/cgi-bin"
  cat >"$ctx/cgi-bin/env" <<'CGI'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "GREETING=$GREETING"
CGI
  chmod 755 "$ctx/cgi-bin/env"
  cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY cgi-bin/env /www/cgi-bin/env
EXPOSE 8080
# index.html is written at start (to /tmp: the root filesystem is read-only) so it shows the env of this container.
CMD ["sh", "-c", "mkdir -p /tmp/www && ln -sf /www/cgi-bin /tmp/www/cgi-bin && echo \"hello $GREETING\" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www"]
DOCKERFILE
}

main() {
  # Not something the platform needs to run: installed on first use.
  [[ -x $BUSYBOX ]] || "$(dirname "${BASH_SOURCE[0]}")/install-packages.sh" demo
  if ! [[ -x $BUSYBOX ]] || ! "$BUSYBOX" --list | grep -qx httpd; then
    pcloud_die "hello image: $BUSYBOX with httpd missing (apt-get install busybox-static)"
  fi
  local ctx
  ctx=$(mktemp -d)
  # shellcheck disable=SC2064 # expand now: ctx is local
  trap "rm -rf '$ctx'" EXIT
  mkdir "$ctx/context"
  write_context "$ctx/context"
  pcloud_log "hello image: docker build -t $TAG"
  # The engine has no BuildKit; the CLI's "legacy builder" warning is noise.
  if ! docker build -q -t "$TAG" "$ctx/context" >"$ctx/build.log" 2>&1; then
    cat "$ctx/build.log" >&2
    pcloud_die "hello image: docker build failed"
  fi
  pcloud_log "hello image: built $TAG ($(docker image inspect -f '{{.Size}}' "$TAG") bytes)"
}

main "$@"
