/**
 * CertificateRevocation from a Pulumi YAML program (issue 20), through the plain CLI with the
 * plugin installed from its tarball into a fresh PULUMI_HOME (helpers/plugin-program.ts). The
 * program is examples/yaml-revocation/Pulumi.yaml itself; the emulator counts every revoke.
 * Create revokes once; a second up and a refresh revoke nothing; a trigger change revokes again;
 * destroy revokes nothing; both ids, or neither, fail at preview with nothing sent.
 */
import { X509Certificate } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { Steps } from "../helpers/kubernetes-control-plane";
import { outputValues, pluginProgram, type PluginProgram } from "../helpers/plugin-program";

jest.setTimeout(600_000);

const ADMIN: EmulatorCredential = { accessKey: "AKYAMLREVOKEADMIN001", secretKey: "SKyaml-revoke-admin-secret-key-000000001" };
const LEAKED: EmulatorCredential = { accessKey: "AKYAMLREVOKELEAKED01", secretKey: "SKyaml-revoke-leaked-secret-key-00000001" };

// No control plane here: the revoke's effect on a real kube-apiserver is test/e2e/revocation.test.ts's.
const steps = new Steps(() => undefined);
let emulator: Emulator;
let program: PluginProgram;
let leakedUserId: string;

const environment = (): NodeJS.ProcessEnv => ({
  HW_CCE_ENDPOINT: emulator.url,
  HW_ACCESS_KEY: ADMIN.accessKey,
  HW_SECRET_KEY: ADMIN.secretKey,
  HW_PROJECT_ID: DEFAULT_PROJECT_ID,
});
const revokeCalls = () => emulator.requests.filter((r) => r.path.endsWith("/clustercertrevoke")).length;

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [ADMIN, LEAKED] });
  // The leaked user's certificate: its CN is the id the program revokes.
  const { config } = await clientOf(emulator, { credentials: { kind: "aksk", ...LEAKED } }).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  leakedUserId = new X509Certificate(Buffer.from(config.users[0]!.user["client-certificate-data"], "base64")).subject.split("CN=")[1]!;
  program = pluginProgram({
    name: "plugin-yaml-revocation",
    language: "yaml",
    program: "examples/yaml-revocation/Pulumi.yaml",
    config: { clusterId: DEFAULT_CLUSTER_ID, userId: leakedUserId },
    env: environment,
    steps,
  });
  await program.install();
}, 600_000);

afterAll(async () => {
  await emulator?.stop();
  await program?.dispose();
});

test("1. both ids, or neither, fail at preview naming userId, and nothing is sent to CCE", () =>
  steps.run("test 1", async () => {
    const source = (ids: string[]) =>
      ["name: cce-kubeconfig-yaml-revocation-bad", "runtime: yaml", "resources:", "  revoke:", "    type: cce-kubeconfig:CertificateRevocation", "    properties:", `      clusterId: ${DEFAULT_CLUSTER_ID}`, ...ids, ""].join("\n");
    const file = join(program.work, "bad", "Pulumi.yaml");
    mkdirSync(join(program.work, "bad"));
    writeFileSync(file, source([]));
    const bad = program.sibling({ program: file, stack: "bad", config: {} });
    await bad.init();
    emulator.clearRequests();
    for (const ids of [[`      userId: ${leakedUserId}`, `      agencyId: ${leakedUserId}`], []]) {
      writeFileSync(join(bad.dir, "Pulumi.yaml"), source(ids));
      const failed = await bad.preview({ expectFailure: true });
      expect(failed.message).toContain("set exactly one of userId or agencyId");
    }
    expect(revokeCalls()).toBe(0);
    expect(emulator.revokeCount()).toBe(0);
  }));

test("2. up revokes exactly once and stores revokedAt; a refresh and a second up revoke nothing", () =>
  steps.run("test 2", async () => {
    const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    const up = await program.up();
    expect(up.changes).toEqual({ create: 2 });
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
    const { revokedAt } = outputValues<{ revokedAt: string }>(up);
    expect(Math.abs(Date.parse(revokedAt) - Date.now())).toBeLessThan(5 * 60_000);
    await program.refresh({ expectNoChanges: true });
    const again = await program.up({ expectNoChanges: true });
    expect(again.changes).toEqual({ same: 2 });
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
  }));

test("3. a new trigger replaces the resource and revokes again, once", () =>
  steps.run("test 3", async () => {
    const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    await program.setConfig("trigger", "2");
    const up = await program.up();
    expect(up.steps["revoke"]).toEqual(expect.arrayContaining(["create-replacement"]));
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
  }));

test("4. destroy revokes nothing", () =>
  steps.run("test 4", async () => {
    const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    emulator.clearRequests();
    await program.destroy();
    expect(revokeCalls()).toBe(0);
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID)).toBe(before);
  }));
