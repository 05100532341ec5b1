#!/usr/bin/env bash
# Builds the whole solution in Release. The apps run from their build output:
#   src/ControlPlane/bin/Release/net10.0/PersonalCloud.ControlPlane.dll
#   src/Reconciler/bin/Release/net10.0/PersonalCloud.Reconciler.dll
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

pcloud_build() {
  command -v dotnet >/dev/null || pcloud_die "build: the .NET SDK (dotnet) is not installed"
  pcloud_log "build: dotnet build PersonalCloud.sln -c Release"
  dotnet build "$PCLOUD_REPO_ROOT/PersonalCloud.sln" -c Release -nologo
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then pcloud_build; fi
