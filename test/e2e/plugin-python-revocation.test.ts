/**
 * CertificateRevocation from a Pulumi Python program (issue 20, left out then; issue 19's driver
 * makes it one file): examples/python/certificate_revocation.py through the generated SDK
 * (sdk/python), with the plugin installed from its tarball (helpers/plugin-program.ts). The same
 * promises as the YAML program's test: create revokes once, a refresh and a second up revoke
 * nothing, a trigger change revokes again, destroy revokes nothing.
 */
import { X509Certificate } from "node:crypto";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { outputValues, pluginProgram, type PluginProgram } from "../helpers/plugin-program";

jest.setTimeout(600_000);

const ADMIN: EmulatorCredential = { accessKey: "AKPYREVOKEADMIN00001", secretKey: "SKpy-revoke-admin-secret-key-00000000001" };
const LEAKED: EmulatorCredential = { accessKey: "AKPYREVOKELEAKED0001", secretKey: "SKpy-revoke-leaked-secret-key-0000000001" };

let emulator: Emulator;
let program: PluginProgram;

const environment = (): NodeJS.ProcessEnv => ({
  HW_CCE_ENDPOINT: emulator.url,
  HW_ACCESS_KEY: ADMIN.accessKey,
  HW_SECRET_KEY: ADMIN.secretKey,
  HW_PROJECT_ID: DEFAULT_PROJECT_ID,
});

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [ADMIN, LEAKED] });
  // The leaked user's certificate: its CN is the id the program revokes.
  const { config } = await clientOf(emulator, { credentials: { kind: "aksk", ...LEAKED } }).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  const leakedUserId = new X509Certificate(Buffer.from(config.users[0]!.user["client-certificate-data"], "base64")).subject.split("CN=")[1]!;
  program = pluginProgram({
    name: "plugin-python-revocation",
    language: "python",
    program: "examples/python/certificate_revocation.py",
    stack: "revocation",
    config: { clusterId: DEFAULT_CLUSTER_ID, userId: leakedUserId },
    env: environment,
  });
  await program.install();
}, 600_000);

afterAll(async () => {
  await emulator?.stop();
  await program?.dispose();
});

test("up revokes exactly once and outputs revokedAt; a refresh and a second up revoke nothing", async () => {
  const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
  const up = await program.up();
  expect(up.changes).toEqual({ create: 2 });
  expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
  const { revokedAt } = outputValues<{ revokedAt: string }>(up);
  expect(Math.abs(Date.parse(revokedAt) - Date.now())).toBeLessThan(5 * 60_000);
  await program.refresh({ expectNoChanges: true });
  expect((await program.up({ expectNoChanges: true })).changes).toEqual({ same: 2 });
  expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
});

test("a new trigger replaces the resource and revokes again, once", async () => {
  const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
  await program.setConfig("trigger", "2");
  const up = await program.up();
  expect(up.steps["revoke"]).toEqual(expect.arrayContaining(["create-replacement"]));
  expect(emulator.revokeCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
});

test("destroy revokes nothing", async () => {
  const before = emulator.revokeCount(DEFAULT_CLUSTER_ID);
  expect((await program.destroy()).changes).toEqual({ delete: 2 });
  expect(emulator.revokeCount(DEFAULT_CLUSTER_ID)).toBe(before);
});
