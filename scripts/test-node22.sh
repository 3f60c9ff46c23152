#!/usr/bin/env bash
# npm run test:node22 [-- <jest args>]: the suite on Node 22 with the newest @pulumi/pulumi, beside
# the default run (npm test: the machine's Node 20 and the devDependency's @pulumi/pulumi 3.248.0).
#
# - Node 22 comes from scripts/install-node.sh and goes first on PATH, so jest and its workers, the
#   engine's Automation API process (run-stack.js), the dynamic-provider host the engine starts
#   (`pulumi-resource-pulumi-nodejs` runs `node` from PATH) and npm all run on it.
# - @pulumi/pulumi@NEWEST_PULUMI_SDK is installed into .tools/pulumi-sdk-<version> (git-ignored);
#   CCE_TEST_PULUMI_SDK makes jest.config.js map the sources' and tests' @pulumi/pulumi to it, and
#   makes scripts/engine/program.js install that version into every program folder.
# - The Pulumi CLI stays the one scripts/install-pulumi.sh builds (3.248.0).
# test/package/runtime.test.ts proves each of these in the run itself (CCE_TEST_NODE_MAJOR).
set -euo pipefail
cd "$(dirname "$0")/.."

# The newest @pulumi/pulumi when this was written (`npm view @pulumi/pulumi version`); it needs Node >= 22.
NEWEST_PULUMI_SDK="3.276.0"

log() { printf 'test-node22: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

node_bin="$(bash scripts/install-node.sh)" || die "installing Node 22 failed"
export PATH="$node_bin:$PATH"
[[ "$(node --version)" == v22.* ]] || die "node on PATH is $(node --version), expected v22 from $node_bin"

sdk_dir="$PWD/.tools/pulumi-sdk-$NEWEST_PULUMI_SDK"
sdk_version() { node -p "require('$sdk_dir/node_modules/@pulumi/pulumi/package.json').version" 2>/dev/null || true; }
if [[ "$(sdk_version)" != "$NEWEST_PULUMI_SDK" ]]; then
  log "installing @pulumi/pulumi@$NEWEST_PULUMI_SDK into $sdk_dir..."
  rm -rf "$sdk_dir"
  mkdir -p "$sdk_dir"
  printf '{ "name": "pulumi-sdk-%s", "private": true }\n' "$NEWEST_PULUMI_SDK" >"$sdk_dir/package.json"
  (cd "$sdk_dir" && npm install --no-audit --no-fund --prefer-offline --loglevel=error "@pulumi/pulumi@$NEWEST_PULUMI_SDK" >&2) \
    || die "npm install @pulumi/pulumi@$NEWEST_PULUMI_SDK failed"
  [[ "$(sdk_version)" == "$NEWEST_PULUMI_SDK" ]] || die "$sdk_dir holds @pulumi/pulumi '$(sdk_version)', expected $NEWEST_PULUMI_SDK"
fi

npm run --silent install-tools >/dev/null
log "jest on node $(node --version) with @pulumi/pulumi $NEWEST_PULUMI_SDK"
export CCE_TEST_PULUMI_SDK="$NEWEST_PULUMI_SDK" CCE_TEST_NODE_MAJOR=22
exec node node_modules/jest/bin/jest.js "$@"
