#!/usr/bin/env node
// @ts-check
/**
 * Builds the provider plugin's tarball, `artifacts/pulumi-resource-cce-kubeconfig-v<version>-linux-amd64.tar.gz`:
 * src/plugin/main.ts bundled by esbuild into one self-contained JavaScript file (grpc-js, the
 * Pulumi messages, undici, yaml, zod, @peculiar/x509 and the rest inlined: no node_modules, no
 * symlink, which `pulumi plugin install --file` refuses when it points outside the tarball), and
 * a two-line launcher, the executable the engine looks for, beside it at the root.
 *
 * The bundle is plain JavaScript for Node 20 or later; the launcher needs `node` on PATH, as the
 * SDK's own `pulumi-resource-pulumi-nodejs` does. Entries carry a fixed owner and mtime
 * (SOURCE_DATE_EPOCH, else 0), so the same sources give the same tarball.
 *
 * Progress and sizes go to stderr; the tarball's absolute path is the last line of stdout.
 */
const { execFileSync } = require("node:child_process");
const { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } = require("node:fs");
const { builtinModules } = require("node:module");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { gzipSync } = require("node:zlib");
const esbuild = require("esbuild");

const root = path.join(__dirname, "..");
const { version } = require(path.join(root, "package.json"));
const NAME = "pulumi-resource-cce-kubeconfig";
// The engine runs the launcher by its full path, in the plugin cache or where Pulumi.yaml points.
const LAUNCHER = `#!/bin/sh\nexec node "$(dirname "$0")/${NAME}.js" "$@"\n`;

const SDK_MANIFEST = "@pulumi/pulumi/package.json";

const kB = (bytes) => `${(bytes / 1024).toFixed(0)} kB`;

function bundle(outfile) {
  const result = esbuild.buildSync({
    entryPoints: [path.join(root, "src", "plugin", "main.ts")],
    outfile,
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
    external: [SDK_MANIFEST],
    metafile: true,
    logLevel: "warning",
  });
  // Self-contained: whatever esbuild left to `require` at run time must be part of Node itself.
  // (`node:sqlite`, which undici loads only for its SQLite cache, is newer than Node 20's list.)
  const builtin = (id) => builtinModules.includes(id) || id.startsWith("node:");
  const external = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((i) => i.external && !builtin(i.path) && i.path !== SDK_MANIFEST)
    .map((i) => i.path);
  if (external.length > 0) throw new Error(`the bundle still requires ${[...new Set(external)].join(", ")}`);
}

function main() {
  const stage = mkdtempSync(path.join(tmpdir(), "cce-kubeconfig-plugin-"));
  try {
    const script = path.join(stage, `${NAME}.js`);
    bundle(script);
    writeFileSync(path.join(stage, NAME), LAUNCHER);
    chmodSync(path.join(stage, NAME), 0o755);
    chmodSync(script, 0o644);

    const mtime = process.env.SOURCE_DATE_EPOCH ?? "0";
    const tar = execFileSync(
      "tar",
      ["--create", "--format=ustar", "--owner=0", "--group=0", "--numeric-owner", `--mtime=@${mtime}`, "-C", stage, NAME, `${NAME}.js`],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    const artifacts = path.join(root, "artifacts");
    mkdirSync(artifacts, { recursive: true });
    const tarball = path.join(artifacts, `${NAME}-v${version}-linux-amd64.tar.gz`);
    // Written aside and renamed into place: test files that package the plugin at once never
    // read a half-written tarball.
    const partial = `${tarball}.${process.pid}.partial`;
    writeFileSync(partial, gzipSync(tar, { level: 9 }));
    renameSync(partial, tarball);

    process.stderr.write(`package-plugin: bundle ${kB(statSync(script).size)}, tarball ${kB(statSync(tarball).size)}\n`);
    process.stdout.write(`${tarball}\n`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

main();
