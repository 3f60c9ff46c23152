// @ts-check
/**
 * One entry point bundled by esbuild into one self-contained CommonJS file: grpc-js, the Pulumi
 * messages, undici, yaml, zod, @peculiar/x509 and the rest inlined, so it runs with no
 * node_modules, from an archive or as a single executable application's main script.
 */
const { builtinModules } = require("node:module");
const path = require("node:path");
const esbuild = require("esbuild");
const { root } = require("./targets");

const SDK_MANIFEST = "@pulumi/pulumi/package.json";

/** Bundles `entry` into `outfile`; throws when anything but Node's own modules is left to `require`. */
function bundle(/** @type {string} */ entry, /** @type {string} */ outfile, /** @type {string[]} */ keepExternal = []) {
  const result = esbuild.buildSync({
    entryPoints: [entry],
    outfile,
    // Module paths in the bundle are relative to this folder: the same in every clone.
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // Switches src/plugin/modules.ts to the literal requires that esbuild inlines.
    define: { CCE_KUBECONFIG_BUNDLE: "true" },
    // Whitespace and syntax only: names stay readable in a stack trace.
    minifyWhitespace: true,
    minifySyntax: true,
    // The licences of the inlined packages travel with their code.
    legalComments: "eof",
    tsconfig: path.join(root, "tsconfig.build.json"),
    // Resolved only where the plugin runs from the npm package (modules.ts) or outside a plugin
    // (protocol/user-warning.ts, whose fallback the plugin replaces): never in the bundle.
    external: [SDK_MANIFEST, ...keepExternal],
    metafile: true,
    logLevel: "warning",
  });
  // (`node:sqlite`, which undici loads only for its SQLite cache, is newer than Node 20's list.)
  const builtin = (/** @type {string} */ id) => builtinModules.includes(id) || id.startsWith("node:");
  const external = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((i) => i.external && !builtin(i.path) && i.path !== SDK_MANIFEST && !keepExternal.includes(i.path))
    .map((i) => i.path);
  if (external.length > 0) throw new Error(`the bundle of ${entry} still requires ${[...new Set(external)].join(", ")}`);
}

module.exports = { bundle };
