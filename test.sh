#!/usr/bin/env bash
# Provisions what the tests need (the platform's packages plus the test tooling, Docker), builds, runs every test
# project of the solution and ends with one line: "N passed, N failed[, N skipped]".
# The integration tests start their own Postgres and Caddy through
# scripts/start-postgres.sh and scripts/start-caddy.sh with a temporary data dir.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

export PCLOUD_REPO_ROOT=$PWD
export DOCKER_API_VERSION=1.41 TESTCONTAINERS_RYUK_DISABLED=true
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RESULTS_DIR=$PCLOUD_REPO_ROOT/TestResults/pcloud

test_projects() {
  dotnet sln PersonalCloud.sln list | grep -E '^tests/.*\.csproj$'
}

# trx_counter FILE NAME: one attribute of the <Counters> element, 0 when absent.
trx_counter() {
  local value
  value=$(grep -o "<Counters [^>]*" "$1" | grep -oE " $2=\"[0-9]+\"" | grep -oE '[0-9]+' || true)
  echo "${value:-0}"
}

# failed_tests TRX: the name and the first lines of the message of every failed test, so the end of a CI log
# says what broke without scrolling through thousands of passing lines.
failed_tests() {
  awk '
    /<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); print "  FAILED " substr($0, RSTART + 10, RLENGTH - 11); inside = 1; next }
    inside && /<Message>/ { sub(/.*<Message>/, ""); lines = 0; printing = 1 }
    printing { line = $0; sub(/<\/Message>.*/, "", line); if (lines < 6) print "    " line; lines++ }
    printing && /<\/Message>/ { printing = 0 }
    inside && /<\/UnitTestResult>/ { inside = 0 }
  ' "$1" | sed 's/&quot;/"/g; s/&lt;/</g; s/&gt;/>/g; s/&apos;/'"'"'/g; s/&amp;/\&/g'
}

run_tests() {
  local project name trx passed=0 failed=0 skipped=0 n
  local -a broken=()
  rm -rf "$RESULTS_DIR"
  mkdir -p "$RESULTS_DIR"
  while read -r project; do
    name=$(basename "$project" .csproj)
    pcloud_log "test: $name"
    if ! dotnet test "$project" -c Release --no-build \
      --logger "console;verbosity=normal" --logger "trx;LogFileName=$name.trx" \
      --results-directory "$RESULTS_DIR"; then
      broken+=("$name")
    fi
    trx=$RESULTS_DIR/$name.trx
    if [[ ! -f $trx ]]; then
      pcloud_log "test: $name produced no results ($trx)"
      continue
    fi
    passed=$((passed + $(trx_counter "$trx" passed)))
    for n in failed error timeout aborted; do failed=$((failed + $(trx_counter "$trx" "$n"))); done
    skipped=$((skipped + $(trx_counter "$trx" notExecuted)))
  done < <(test_projects)

  local trx_file
  for trx_file in "$RESULTS_DIR"/*.trx; do
    [[ -f $trx_file ]] || continue
    if grep -q 'outcome="Failed"' "$trx_file"; then
      pcloud_log "test: failed in $(basename "$trx_file" .trx):"
      failed_tests "$trx_file"
    fi
  done

  local status=0 summary="$passed passed, $failed failed"
  ((skipped == 0)) || summary+=", $skipped skipped"
  if ((${#broken[@]} > 0)); then
    pcloud_log "test: dotnet test failed for: ${broken[*]}"
    status=1
  fi
  if ((passed + failed == 0)); then
    pcloud_log "test: no tests ran"
    status=1
  fi
  ((failed == 0)) || status=1
  echo "$summary"
  return "$status"
}

main() {
  scripts/install-packages.sh test
  scripts/install-api-client-tools.sh
  scripts/start-docker.sh
  # Once per machine (skipped while the image's hash matches): the add-on tests and bench/addon-postgres.sh use it.
  scripts/build-postgres-image.sh >/dev/null
  scripts/build.sh
  run_tests
}

main "$@"
