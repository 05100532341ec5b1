#!/usr/bin/env bash
# Shared helpers for the PersonalCloud scripts. Sourced, never executed.
# Logs go to stderr so stdout stays free for machine-readable output.

# Never fails: with stderr on a pipe whose reader is gone (and SIGPIPE ignored) the line is lost, the caller goes on.
pcloud_log() { printf '[pcloud] %s\n' "$*" >&2 || true; }

pcloud_die() {
  pcloud_log "error: $*"
  exit 1
}

# pcloud_wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s until it
# succeeds or the deadline passes (then returns 1).
pcloud_wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      pcloud_log "timed out after ${seconds}s waiting for ${what}"
      return 1
    fi
    sleep 0.2
  done
}

# pcloud_pid_alive PIDFILE: true when the file names a running process (a zombie
# waiting for PID 1 to reap it counts as gone).
pcloud_pid_alive() {
  local pid state
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# pcloud_ensure_dirs: the data directory layout shared by all components.
# 0755 on the directories so the postgres user can reach its cluster and socket;
# secrets inside are files with mode 0600.
pcloud_ensure_dirs() {
  mkdir -p "$PCLOUD_DATA_DIR" "$PCLOUD_DATA_DIR/run" "$PCLOUD_DATA_DIR/logs"
  chmod 755 "$PCLOUD_DATA_DIR" "$PCLOUD_DATA_DIR/run" "$PCLOUD_DATA_DIR/logs"
}

# pcloud_rotate_log FILE MAX_BYTES KEEP: when FILE is bigger than MAX_BYTES, shifts FILE.1..FILE.KEEP-1 up one,
# copies FILE to FILE.1 and truncates FILE in place. Copy-and-truncate because the writers (dockerd, Caddy, the
# .NET processes) keep the file open with O_APPEND: their next write lands at the new end. Lines written between the
# copy and the truncation are lost (logrotate's copytruncate has the same window).
pcloud_rotate_log() {
  local file=$1 max=$2 keep=$3 size i
  [[ -f $file ]] || return 0
  size=$(stat -c %s "$file" 2>/dev/null) || return 0
  ((size > max)) || return 0
  for ((i = keep - 1; i >= 1; i--)); do
    [[ -f $file.$i ]] && mv -f "$file.$i" "$file.$((i + 1))"
  done
  cp -p "$file" "$file.1" && : >"$file"
}
