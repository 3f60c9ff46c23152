#!/usr/bin/env node
// @ts-check
/**
 * Builds the release archives of the provider plugin (and, with `--product exec`, of the
 * `cce-kubeconfig` command), one per target, named as the engine fetches them from a
 * `pluginDownloadURL`: `pulumi-resource-cce-kubeconfig-v<version>-<os>-<arch>.tar.gz`.
 *
 *   node scripts/package-plugin.js [--target ID]... [--product plugin|exec]... [--out DIR]
 *
 * Defaults: the six targets of release/targets.js, the plugin, artifacts/. Each archive holds at its
 * root either one executable (a Node single executable application over the esbuild bundle:
 * release/sea.js) or, where no such executable can be made and checked here, the bundle plus a
 * two-line launcher that needs Node 20+ on PATH. SHA256SUMS beside them lists this run's archives.
 *
 * The same sources give the same bytes (release/archive.js). Node builds come from
 * scripts/install-node-builds.sh's cache, never downloaded from here. Progress goes to stderr;
 * stdout is the archives' absolute paths, one a line, in target order.
 */
const { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { createHash } = require("node:crypto");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { bundle } = require("./release/bundle");
const { makeExecutable, nodeBuilds } = require("./release/sea");
const { atomicWrite, cachedArchive, contentKey, writeArchive } = require("./release/archive");
const { PRODUCTS, TARGETS, archiveName, executableName, root } = require("./release/targets");

const { version } = require(path.join(root, "package.json"));
// The engine runs the launcher by its full path, in the plugin cache or where Pulumi.yaml points.
const launcher = (/** @type {string} */ name) => `#!/bin/sh\nexec node "$(dirname "$0")/${name}.js" "$@"\n`;
const MB = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const say = (/** @type {string} */ text) => process.stderr.write(`package-plugin: ${text}\n`);

/** The command line: `--target`, `--product` (repeatable) and `--out`. */
function parseArguments(/** @type {string[]} */ argv) {
  const targets = [];
  const products = [];
  let out = path.join(root, "artifacts");
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--target") targets.push(TARGETS.find((t) => t.id === value) ?? fail(`unknown target ${value}: one of ${TARGETS.map((t) => t.id).join(", ")}`));
    else if (flag === "--product") products.push(PRODUCTS[value] ?? fail(`unknown product ${value}: plugin or exec`));
    else if (flag === "--out") out = path.resolve(value);
    else fail(`unknown option ${flag}`);
  }
  return { targets: targets.length > 0 ? targets : TARGETS, products: products.length > 0 ? products : [PRODUCTS.plugin], out };
}

/** @returns {never} */
function fail(/** @type {string} */ message) {
  throw new Error(message);
}

/** What an archive's bytes depend on besides the bundle: this script, its modules, postject, the Node builds. */
function toolchainParts() {
  const release = path.join(__dirname, "release");
  const scripts = [__filename, ...readdirSync(release).sort().map((f) => path.join(release, f))].map((f) => readFileSync(f));
  const postject = readFileSync(require.resolve("postject/package.json"));
  // The folder's name is a hash of the pinned builds (install-node-builds.sh).
  return [...scripts, postject, path.basename(realpathSync(nodeBuilds())), process.env.SOURCE_DATE_EPOCH ?? "0"];
}

/**
 * One archive: its stage holds the executable, or the launcher and the bundle. `sea` (a product with
 * a seaAsset) gives the executable's own script and assets instead of the whole bundle.
 */
async function buildArchive(product, target, script, archive, stage, sea) {
  const dir = mkdtempSync(path.join(stage, `${target.id}-`));
  if (target.node !== null) {
    const executable = executableName(product, target);
    await makeExecutable(sea?.script ?? script, path.join(dir, executable), target, stage, sea?.assets ?? {});
    writeArchive(dir, [executable], archive);
    return;
  }
  writeFileSync(path.join(dir, product.name), launcher(product.name));
  chmodSync(path.join(dir, product.name), 0o755);
  writeFileSync(path.join(dir, `${product.name}.js`), readFileSync(script));
  chmodSync(path.join(dir, `${product.name}.js`), 0o644);
  writeArchive(dir, [product.name, `${product.name}.js`], archive);
}

/**
 * For a product whose single executable keeps its full command as an asset: the small script (the
 * entry with the asset's module left external) and the asset (that module bundled whole).
 */
function seaParts(product, stage) {
  if (product.seaAsset === undefined) return undefined;
  const script = path.join(stage, `${product.name}-sea-main.js`);
  bundle(product.entry, script, [product.seaAsset.external]);
  const asset = path.join(stage, `${product.name}-sea-${product.seaAsset.name}`);
  bundle(product.seaAsset.entry, asset);
  return { script, assets: { [product.seaAsset.name]: asset } };
}

/** Builds (or takes from the cache) each product's archive for each target; returns their paths. */
async function packageAll({ targets, products, out }, stage) {
  mkdirSync(out, { recursive: true });
  const toolchain = toolchainParts();
  const archives = [];
  for (const product of products) {
    const script = path.join(stage, `${product.name}.js`);
    bundle(product.entry, script);
    const sea = seaParts(product, stage);
    const bundleBytes = Buffer.concat([readFileSync(script), ...(sea === undefined ? [] : [readFileSync(sea.script), ...Object.values(sea.assets).map((f) => readFileSync(f))])]);
    for (const target of targets) {
      const archive = path.join(out, archiveName(product, version, target));
      const key = contentKey([version, product.id, target.id, bundleBytes, ...toolchain]);
      const started = Date.now();
      const hit = await cachedArchive(path.join(root, "artifacts", ".cache"), `${product.id}-${target.id}`, key, archive, (a) =>
        buildArchive(product, target, script, a, stage, sea),
      );
      say(`${path.basename(archive)}: ${MB(statSync(archive).size)}, ${hit ? "cached" : "built"} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      archives.push(archive);
    }
  }
  return archives;
}

/** `sha256sum`'s format, over this run's archives. */
function writeSums(/** @type {string} */ out, /** @type {string[]} */ archives) {
  const line = (/** @type {string} */ a) => `${createHash("sha256").update(readFileSync(a)).digest("hex")}  ${path.basename(a)}\n`;
  atomicWrite(path.join(out, "SHA256SUMS"), archives.map(line).sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join(""));
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  const stage = mkdtempSync(path.join(tmpdir(), "cce-kubeconfig-package-"));
  try {
    const archives = await packageAll(options, stage);
    writeSums(options.out, archives);
    process.stdout.write(archives.map((a) => `${a}\n`).join(""));
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`package-plugin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
