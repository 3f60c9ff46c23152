// @ts-check
/**
 * A single executable application (https://nodejs.org/docs/latest-v22.x/api/single-executable-applications.html):
 * the bundle made into a "preparation blob" by Node itself, injected with postject into a copy of
 * the official Node build for the target, whose fuse then tells it to run the blob.
 */
const { execFileSync } = require("node:child_process");
const { accessSync, chmodSync, copyFileSync, readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { removeSignature } = require("./pe");
const { root } = require("./targets");

/** The fuse Node's builds carry (documented with the SEA steps); postject flips its last byte. */
const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** The resource (ELF note, PE resource) Node reads the blob from at start-up. */
const RESOURCE = "NODE_SEA_BLOB";
/** The host build that writes every blob: a blob is read by the same Node 22 line on every target. */
const BLOB_MAKER = "linux-amd64";

/** The folder of scripts/install-node-builds.sh (never fetched from here: a test must not download). */
function nodeBuilds() {
  const dir = path.join(root, ".tools", "node-builds");
  try {
    accessSync(path.join(dir, BLOB_MAKER, "node"));
  } catch {
    throw new Error(`the Node builds are missing (${dir}): run bash scripts/install-node-builds.sh (npm run install-tools runs it)`);
  }
  return dir;
}

/**
 * Writes the blob of `script` into `blob`. Without V8's code cache: the cache differs from one run
 * to the next (so the archives would not be reproducible) and is specific to the platform that made
 * it. With it the same blob serves every target.
 */
function makeBlob(/** @type {string} */ script, /** @type {string} */ blob, /** @type {string} */ stage, /** @type {Record<string, string>} */ assets = {}) {
  // Paths relative to the script's folder: the blob records `main` as given, and a temporary
  // folder's name would make every build differ.
  const cwd = path.dirname(script);
  const config = path.join(stage, "sea-config.json");
  const relativeAssets = Object.fromEntries(Object.entries(assets).map(([name, file]) => [name, path.relative(cwd, file)]));
  const settings = {
    main: path.basename(script),
    output: path.relative(cwd, blob),
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    ...(Object.keys(assets).length > 0 ? { assets: relativeAssets } : {}),
  };
  writeFileSync(config, JSON.stringify(settings));
  execFileSync(path.join(nodeBuilds(), BLOB_MAKER, "node"), ["--experimental-sea-config", config], { cwd, stdio: ["ignore", "ignore", "inherit"] });
}

/** Makes `executable` from `script` for a target with a Node build (targets.js `node`). */
async function makeExecutable(
  /** @type {string} */ script,
  /** @type {string} */ executable,
  /** @type {import("./targets").Target} */ target,
  /** @type {string} */ stage,
  /** @type {Record<string, string>} */ assets = {},
) {
  if (target.node === null) throw new Error(`${target.id} has no Node build to make an executable from`);
  const blob = path.join(stage, "sea.blob");
  makeBlob(script, blob, stage, assets);
  copyFileSync(path.join(nodeBuilds(), target.node, target.os === "windows" ? "node.exe" : "node"), executable);
  chmodSync(executable, 0o755);
  if (target.os === "windows") removeSignature(executable);
  const { inject } = require("postject");
  await inject(executable, RESOURCE, readFileSync(blob), {
    sentinelFuse: SENTINEL_FUSE,
    ...(target.machO ? { machoSegmentName: "NODE_SEA" } : {}),
  });
}

module.exports = { makeExecutable, nodeBuilds, SENTINEL_FUSE, RESOURCE };
