#!/usr/bin/env bash
# Publishes the ControlPlane and the Reconciler (`dotnet publish -c Release`, nothing else of the solution) into
# $PCLOUD_DATA_DIR/platform/<source key>/, once per change of what they are built from: the key hashes every file
# under src/, the build settings at the root (props, global.json, .editorconfig) and the SDK's version. An unchanged
# checkout starts without building; older publications are removed once a new one is complete.
#
#   source scripts/publish.sh && pcloud_publish   # exports PCLOUD_CONTROLPLANE_DLL and PCLOUD_RECONCILER_DLL
#   scripts/publish.sh                            # prints them
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# What the two projects are built from, relative to the repository root (absent ones are skipped).
PUBLISH_INPUTS=(src Directory.Build.props Directory.Packages.props global.json .editorconfig NuGet.config nuget.config)

# pcloud_source_key: 16 hex digits naming the sources and the SDK. Build outputs (bin/, obj/) are not inputs.
pcloud_source_key() {
  local sdk input
  local -a present=()
  sdk=$(dotnet --version)
  for input in "${PUBLISH_INPUTS[@]}"; do
    [[ -e $PCLOUD_REPO_ROOT/$input ]] && present+=("$input")
  done
  {
    printf 'sdk %s\n' "$sdk"
    (cd "$PCLOUD_REPO_ROOT" && find "${present[@]}" \( -name bin -o -name obj \) -prune -o -type f -print0 |
      LC_ALL=C sort -z | xargs -0 -r sha256sum)
  } | sha256sum | cut -c1-16
}

publish_into() {
  local target=$1 project
  for project in ControlPlane Reconciler; do
    dotnet publish "$PCLOUD_REPO_ROOT/src/$project/$project.csproj" -c Release -nologo -v quiet \
      -o "$target/${project,,}" >&2 || return 1
  done
  date -u +%FT%TZ >"$target/published"
}

pcloud_publish() {
  command -v dotnet >/dev/null || pcloud_die "publish: the .NET SDK (dotnet) is not installed (see the README: Run it on a VPS)"
  pcloud_ensure_dirs
  local root=$PCLOUD_DATA_DIR/platform key dir old started=$SECONDS
  key=$(pcloud_source_key)
  dir=$root/$key
  if [[ -f $dir/published ]]; then
    pcloud_log "publish: sources unchanged, using $dir (published $(<"$dir/published"))"
  else
    pcloud_log "publish: dotnet publish ControlPlane and Reconciler into $dir"
    mkdir -p "$root"
    rm -rf "$dir.tmp"
    publish_into "$dir.tmp" || {
      rm -rf "$dir.tmp"
      pcloud_die "publish: dotnet publish failed (output above)"
    }
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    for old in "$root"/*; do
      [[ $old == "$dir" ]] || rm -rf "$old"
    done
    pcloud_log "publish: done in $((SECONDS - started))s"
  fi
  PCLOUD_CONTROLPLANE_DLL=$dir/controlplane/PersonalCloud.ControlPlane.dll
  PCLOUD_RECONCILER_DLL=$dir/reconciler/PersonalCloud.Reconciler.dll
  export PCLOUD_CONTROLPLANE_DLL PCLOUD_RECONCILER_DLL
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  pcloud_publish
  printf 'PCLOUD_CONTROLPLANE_DLL=%s\nPCLOUD_RECONCILER_DLL=%s\n' "$PCLOUD_CONTROLPLANE_DLL" "$PCLOUD_RECONCILER_DLL"
fi
