/**
 * CertificateRevocation from a Pulumi YAML program (issue 20), through the plain CLI with the
 * plugin installed from its tarball into a fresh PULUMI_HOME (helpers/plugin-install.ts). The
 * program is examples/yaml-revocation/Pulumi.yaml itself; the emulator counts every revoke.
 * Create revokes once; a second up and a refresh revoke nothing; a trigger change revokes again;
 * destroy revokes nothing; both ids, or neither, fail at preview with nothing sent.
 */
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { REPO_ROOT } from "../../scripts/engine/program";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { Steps } from "../helpers/kubernetes-control-plane";
import { installPlugins, packagePlugin, type PluginSetup } from "../helpers/plugin-install";
import { updateOf, YamlProject } from "../helpers/yaml-project";

jest.setTimeout(600_000);

const ADMIN: EmulatorCredential = { accessKey: "AKYAMLREVOKEADMIN001", secretKey: "SKyaml-revoke-admin-secret-key-000000001" };
const LEAKED: EmulatorCredential = { accessKey: "AKYAMLREVOKELEAKED01", secretKey: "SKyaml-revoke-leaked-secret-key-00000001" };
const EXAMPLE = join(REPO_ROOT, "examples", "yaml-revocation", "Pulumi.yaml");

// No control plane here: the revoke's effect on a real kube-apiserver is test/e2e/revocation.test.ts's.
const steps = new Steps(() => undefined);
let emulator: Emulator;
let setup: PluginSetup;
let project: YamlProject;
let work: string;
let logs: string;
let leakedUserId: string;

const environment = (): NodeJS.ProcessEnv => ({
  HW_CCE_ENDPOINT: emulator.url,
  HW_ACCESS_KEY: ADMIN.accessKey,
  HW_SECRET_KEY: ADMIN.secretKey,
  HW_PROJECT_ID: DEFAULT_PROJECT_ID,
});
const revokeCalls = () => emulator.requests.filter((r) => r.path.endsWith("/clustercertrevoke")).length;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cce-plugin-yaml-revocation-"));
  logs = mkdtempSync(join(tmpdir(), "cce-plugin-yaml-revocation-logs-"));
  const tarball = await steps.run("building the plugin tarball (node scripts/package-plugin.js)", () => packagePlugin(), "build (scripts/package-plugin.js)");
  setup = await steps.run("installing the plugins into a fresh PULUMI_HOME", () => installPlugins(work, tarball), "build (npm run install-tools)");
  emulator = await startTestEmulator({ credentials: [ADMIN, LEAKED] });
  // The leaked user's certificate: its CN is the id the program revokes.
  const { config } = await clientOf(emulator, { credentials: { kind: "aksk", ...LEAKED } }).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  leakedUserId = new X509Certificate(Buffer.from(config.users[0]!.user["client-certificate-data"], "base64")).subject.split("CN=")[1]!;
  const dir = join(work, "project");
  mkdirSync(dir);
  copyFileSync(EXAMPLE, join(dir, "Pulumi.yaml"));
  project = new YamlProject(setup, steps, dir, logs, environment);
  await project.pulumi(["stack", "init", "dev"]);
  await project.pulumi(["config", "set", "clusterId", DEFAULT_CLUSTER_ID]);
  await project.pulumi(["config", "set", "userId", leakedUserId]);
}, 600_000);

afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (logs && steps.failed()) console.log(`pulumi logs kept for the failed step(s): ${logs}`);
  else if (logs) rmSync(logs, { recursive: true, force: true });
});

test("1. both ids, or neither, fail at preview naming userId, and nothing is sent to CCE", () =>
  steps.run("test 1", async () => {
    const bad = join(work, "bad");
    mkdirSync(bad);
    const program = (ids: string[]) =>
      ["name: cce-kubeconfig-yaml-revocation-bad", "runtime: yaml", "resources:", "  revoke:", "    type: cce-kubeconfig:CertificateRevocation", "    properties:", `      clusterId: ${DEFAULT_CLUSTER_ID}`, ...ids, ""].join("\n");
    writeFileSync(join(bad, "Pulumi.yaml"), program([]));
    await project.pulumi(["stack", "init", "bad"], { cwd: bad });
    emulator.clearRequests();
    for (const ids of [[`      userId: ${leakedUserId}`, `      agencyId: ${leakedUserId}`], []]) {
      writeFileSync(join(bad, "Pulumi.yaml"), program(ids));
      const failed = await project.pulumi(["preview", "--stack", "bad"], { cwd: bad, expectFailure: true });
      expect(`${failed.stdout}\n${failed.stderr}`).toContain("set exactly one of userId or agencyId");
    }
    expect(revokeCalls()).toBe(0);
    expect(emulator.revokeCount()).toBe(0);
  }));

test("2. up revokes exactly once and stores revokedAt; a refresh and a second up revoke nothing", () =>
  steps.run("test 2", async () => {
    const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    const up = await project.pulumi(["up", "--yes", "--json"]);
    expect(updateOf(up).changes).toEqual({ create: 2 });
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
    const { revokedAt } = await project.outputs<{ revokedAt: string }>();
    expect(Math.abs(Date.parse(revokedAt) - Date.now())).toBeLessThan(5 * 60_000);
    await project.pulumi(["refresh", "--yes", "--expect-no-changes"]);
    const again = await project.pulumi(["up", "--yes", "--expect-no-changes", "--json"]);
    expect(updateOf(again).changes).toEqual({ same: 2 });
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
  }));

test("3. a new trigger replaces the resource and revokes again, once", () =>
  steps.run("test 3", async () => {
    const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    await project.pulumi(["config", "set", "trigger", "2"]);
    const up = await project.pulumi(["up", "--yes", "--json"]);
    expect(updateOf(up).steps["revoke"]).toEqual(expect.arrayContaining(["create-replacement"]));
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
  }));

test("4. destroy revokes nothing", () =>
  steps.run("test 4", async () => {
    const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    emulator.clearRequests();
    await project.pulumi(["destroy", "--yes"]);
    expect(revokeCalls()).toBe(0);
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID)).toBe(before);
  }));
