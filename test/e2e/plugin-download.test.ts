/**
 * The engine installs the plugin itself (issue 22): with a fresh PULUMI_HOME that holds no plugin,
 * the real CLI downloads the linux-amd64 archive from a `pluginDownloadURL`, the way it would from
 * the project's GitHub releases, here from a loopback HTTPS release host (helpers/release-server.ts)
 * that serves what scripts/package-plugin.js builds. The CLI fetches
 * `<url with ${VERSION} replaced>/pulumi-resource-cce-kubeconfig-v<version>-linux-amd64.tar.gz`
 * (sdk/go/common/workspace/plugins.go, httpSource.Download, CLI v3.248.0).
 *
 * The `up` runs with a PATH that holds only the CLI's folder (the CLI and its YAML host, no `node`):
 * the downloaded single executable is all the plugin needs.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { REPO_ROOT } from "../../scripts/engine/program";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { cceKubeconfigVersion, cleanEnvironment, packagePlugin, runPulumi, runPulumiOk, YAML_LANGUAGE_HOST, type PluginSetup } from "../helpers/plugin-install";
import { startReleaseServer, type ReleaseServer } from "../helpers/release-server";
import { requireTool } from "../helpers/tools";

jest.setTimeout(600_000);

const VERSION = cceKubeconfigVersion();
const ARCHIVE = `pulumi-resource-cce-kubeconfig-v${VERSION}-linux-amd64.tar.gz`;
/** The engine's plugin folder for this version, inside PULUMI_HOME/plugins. */
const PLUGIN_DIR = `resource-cce-kubeconfig-v${VERSION}`;

let emulator: Emulator;
let server: ReleaseServer;
let work: string;
let pulumi: string;
let goodRelease: string;
let corruptRelease: string;

/** A fresh PULUMI_HOME (no plugin) logged in to a local backend; PATH is the CLI's folder alone. */
async function freshSetup(name: string): Promise<PluginSetup> {
  const cliDir = dirname(pulumi);
  const home = join(work, name, "pulumi-home");
  const state = join(work, name, "state");
  for (const dir of [home, state]) mkdirSync(dir, { recursive: true });
  const setup: PluginSetup = {
    pulumi,
    home,
    backendUrl: `file://${state}`,
    env: {
      ...cleanEnvironment(cliDir),
      PATH: cliDir,
      PULUMI_HOME: home,
      PULUMI_CONFIG_PASSPHRASE: "cce-kubeconfig-download-tests",
      PULUMI_SKIP_UPDATE_CHECK: "1",
      SSL_CERT_FILE: server.caFile,
    },
    installed: [],
    runs: [],
  };
  await runPulumiOk(setup, ["login", setup.backendUrl]);
  return setup;
}

async function listedPlugins(setup: PluginSetup): Promise<Array<{ name: string; kind: string; version: string }>> {
  const listed = JSON.parse((await runPulumiOk(setup, ["plugin", "ls", "--json"])).stdout) as Array<{ name: string; kind: string; version: string }>;
  return listed.map(({ name, kind, version }) => ({ name, kind, version }));
}

/** The GETs of the archive the server answered, since `from`. */
const archiveDownloads = (from: number) => server.requests.slice(from).filter((r) => r.method === "GET" && r.path.endsWith(`/${ARCHIVE}`));

/** A release folder holding `archive` (with one byte changed when `corrupt`). */
function releaseFolder(name: string, archive: string, corrupt: boolean): string {
  const folder = join(work, name);
  mkdirSync(folder, { recursive: true });
  const bytes = readFileSync(archive);
  // A byte in the middle of the compressed executable: the deflate stream or its CRC-32 no longer holds.
  if (corrupt) bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
  writeFileSync(join(folder, basename(archive)), bytes);
  return folder;
}

beforeAll(async () => {
  pulumi = requireTool("pulumi", [join(REPO_ROOT, ".tools", "bin")]);
  if (!existsSync(join(dirname(pulumi), YAML_LANGUAGE_HOST))) throw new Error(`${YAML_LANGUAGE_HOST} is missing next to ${pulumi}: run scripts/install-pulumi.sh`);
  work = mkdtempSync(join(tmpdir(), "cce-plugin-download-"));
  const archive = await packagePlugin();
  goodRelease = releaseFolder("release", archive, false);
  corruptRelease = releaseFolder("release-corrupt", archive, true);
  emulator = await startTestEmulator();
  server = await startReleaseServer(work);
  server.serve(VERSION, goodRelease);
});

afterAll(async () => {
  await server?.close();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the PATH of these runs holds no node: only the CLI and its YAML host", () => {
  const only = readdirSync(dirname(pulumi));
  expect(only).toContain("pulumi");
  expect(only).toContain(YAML_LANGUAGE_HOST);
  expect(only.filter((name) => name === "node" || name.startsWith("node."))).toEqual([]);
});

test("pulumi up of a YAML program downloads the archive from the resource's pluginDownloadURL once, and mints one certificate", async () => {
  const setup = await freshSetup("up");
  // Control: nothing is installed before the up.
  expect(await listedPlugins(setup)).toEqual([]);
  const project = join(work, "up", "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "Pulumi.yaml"),
    [
      "name: cce-kubeconfig-download",
      "runtime: yaml",
      "resources:",
      "  cert:",
      "    type: cce-kubeconfig:index:ClusterCertificate",
      "    properties:",
      `      clusterId: ${DEFAULT_CLUSTER_ID}`,
      "    options:",
      `      version: ${VERSION}`,
      // `$$` is the YAML host's escape for a literal `$`: the engine, not the program, fills in VERSION.
      `      pluginDownloadURL: ${server.origin}/releases/v$\${VERSION}`,
      "outputs:",
      "  expiresAt: ${cert.expiresAt}",
      "",
    ].join("\n"),
  );
  const { accessKey, secretKey } = emulator.credentials[0]!;
  const extraEnv = { HW_CCE_ENDPOINT: emulator.url, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ACCESS_KEY: accessKey, HW_SECRET_KEY: secretKey };
  await runPulumiOk(setup, ["stack", "init", "dev"], { cwd: project });
  const from = server.requests.length;
  const mints = emulator.mintCount();
  await runPulumiOk(setup, ["up", "--yes", "--skip-preview", "--color=never"], { cwd: project, extraEnv });

  expect(emulator.mintCount()).toBe(mints + 1);
  const downloads = archiveDownloads(from);
  expect(downloads.map((r) => [r.path, r.status])).toEqual([[`/releases/v${VERSION}/${ARCHIVE}`, 200]]);
  expect(downloads[0]!.userAgent).toMatch(/^pulumi-cli\/1 \(v3\.\d+\.\d+; linux\)$/);
  expect(await listedPlugins(setup)).toEqual([{ name: "cce-kubeconfig", kind: "resource", version: VERSION }]);
  const outputs = JSON.parse((await runPulumiOk(setup, ["stack", "output", "--json"], { cwd: project })).stdout) as { expiresAt: string };
  expect(Date.parse(outputs.expiresAt)).toBeGreaterThan(Date.now());
  await runPulumiOk(setup, ["destroy", "--yes", "--skip-preview", "--color=never"], { cwd: project, extraEnv });
});

test("pulumi plugin install --server installs it from the release URL (get-schema then prints the schema); a corrupted archive (one byte changed) is refused and nothing is installed", async () => {
  const url = `${server.origin}/releases/v\${VERSION}`;
  const install = ["plugin", "install", "resource", "cce-kubeconfig", VERSION, "--server", url];

  const good = await freshSetup("install");
  const from = server.requests.length;
  await runPulumiOk(good, install);
  expect(archiveDownloads(from)).toHaveLength(1);
  expect(await listedPlugins(good)).toEqual([{ name: "cce-kubeconfig", kind: "resource", version: VERSION }]);
  expect(existsSync(join(good.home, "plugins", PLUGIN_DIR, "pulumi-resource-cce-kubeconfig"))).toBe(true);
  // The installed plugin answers `pulumi package get-schema` with the committed schema, as the CLI
  // re-serializes it after binding (it drops a description beside a $ref); the registry lookup is
  // off, as it would go to the network.
  const printed = await runPulumiOk(good, ["package", "get-schema", "cce-kubeconfig"], { extraEnv: { PULUMI_DISABLE_REGISTRY_RESOLVE: "true" } });
  type Schema = { name: string; version: string; pluginDownloadURL: string; resources: object; config: { variables: object } };
  const summary = (schema: Schema) => [schema.name, schema.version, schema.pluginDownloadURL, Object.keys(schema.resources), Object.keys(schema.config.variables).sort()];
  const committed = JSON.parse(readFileSync(join(REPO_ROOT, "schema.json"), "utf8")) as Schema;
  expect(summary(JSON.parse(printed.stdout) as Schema)).toEqual(summary(committed));

  server.serve(VERSION, corruptRelease);
  try {
    const bad = await freshSetup("install-corrupt");
    const fromBad = server.requests.length;
    const refused = await runPulumi(bad, install);
    expect(refused.ok).toBe(false);
    // The gzip CRC-32 (or the deflate stream itself) no longer holds: the archive is built so that
    // the CLI reads its gzip trailer (scripts/release/archive.js says why).
    expect(refused.stderr).toMatch(/gzip: invalid checksum|flate: corrupt input/);
    expect(archiveDownloads(fromBad).length).toBeGreaterThanOrEqual(1);
    expect(await listedPlugins(bad)).toEqual([]);
    // What the CLI unpacked before the failure stays marked partial, which the engine never runs.
    const dir = join(bad.home, "plugins", PLUGIN_DIR);
    const leftover = existsSync(join(dir, "pulumi-resource-cce-kubeconfig"));
    expect({ leftover, markedPartial: existsSync(`${dir}.partial`) }).toEqual({ leftover, markedPartial: leftover });
  } finally {
    server.serve(VERSION, goodRelease);
  }
});

test("the corrupted archive differs from the served one in exactly one byte", () => {
  const served = readFileSync(join(goodRelease, ARCHIVE));
  const corrupt = readFileSync(join(corruptRelease, ARCHIVE));
  expect(corrupt.length).toBe(served.length);
  expect(served.filter((byte, i) => byte !== corrupt[i]).length).toBe(1);
});
