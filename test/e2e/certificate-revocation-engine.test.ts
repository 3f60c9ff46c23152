/**
 * CertificateRevocation (issue 20) in the real engine from TypeScript's package: the packed package
 * in a program folder, the Pulumi CLI, the emulator as CCE. Revokes are counted by the emulator.
 * Create revokes once; a second up revokes nothing; a triggers change revokes again; destroy revokes
 * nothing; both ids or neither fail at preview with nothing sent.
 */
import { X509Certificate } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { cloudFreeEnv } from "../helpers/cloud-free-env";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { engineEnv, runStack, type StackResult, type StackSpec } from "../helpers/engine";
import { programDir } from "../helpers/program-dir";

jest.setTimeout(600_000);

const ADMIN: EmulatorCredential = { accessKey: "AKREVOKEENGINE000001", secretKey: "SKrevoke-engine-secret-key-00000000001" };
const LEAKED: EmulatorCredential = { accessKey: "AKREVOKEENGINE000002", secretKey: "SKrevoke-engine-secret-key-00000000002" };

let emulator: Emulator;
let work: string;
let env: NodeJS.ProcessEnv;
let leakedUserId: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cce-revocation-engine-"));
  mkdirSync(join(work, "state"));
  emulator = await startTestEmulator({ credentials: [ADMIN, LEAKED] });
  env = cloudFreeEnv(engineEnv(join(work, "pulumi-home")), { HW_ACCESS_KEY: ADMIN.accessKey, HW_SECRET_KEY: ADMIN.secretKey, HW_PROJECT_ID: DEFAULT_PROJECT_ID });
  copyFileSync(join(__dirname, "certificate-revocation-program.js"), join(programDir(), "certificate-revocation-program.js"));
  // The leaked user's certificate: its CN is the id the program revokes.
  const { config } = await clientOf(emulator, { credentials: { kind: "aksk", ...LEAKED } }).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  leakedUserId = new X509Certificate(Buffer.from(config.users[0]!.user["client-certificate-data"], "base64")).subject.split("CN=")[1]!;
}, 300_000);

afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function op(stack: string, name: StackSpec["op"], ids: Record<string, string>, trigger?: string): Promise<StackResult> {
  const config: StackSpec["config"] = { "e2e:endpoint": { value: emulator.url }, "e2e:clusterId": { value: DEFAULT_CLUSTER_ID } };
  for (const [key, value] of Object.entries(ids)) config[`e2e:${key}`] = { value };
  if (trigger !== undefined) config["e2e:trigger"] = { value: trigger };
  return runStack({ programDir: programDir(), programFile: "certificate-revocation-program.js", project: "cce-revocation-e2e", stack, backendUrl: `file://${join(work, "state")}`, op: name, config }, env);
}

const revokeCalls = () => emulator.requests.filter((r) => r.path.endsWith("/clustercertrevoke")).length;

test("both ids, or neither, fail at preview naming userId, and nothing is sent to CCE", async () => {
  const both = { userId: "0123456789abcdef0123456789abcdef", agencyId: "0123456789abcdef0123456789abcdef" };
  for (const ids of [both, {}] as Array<Record<string, string>>) {
    const result = await op("bad-inputs", "preview", ids);
    expect(result.ok).toBe(false);
    expect(`${result.message}\n${result.output}`).toContain("set exactly one of userId or agencyId");
  }
  expect(revokeCalls()).toBe(0);
  expect(emulator.revokeCount()).toBe(0);
});

test("create revokes once; a second up revokes nothing; a triggers change revokes again; destroy revokes nothing", async () => {
  const ids = { userId: leakedUserId };
  const before = Date.now();
  const created = await op("main", "up", ids, "first");
  expect([created.ok, created.message]).toEqual([true, undefined]);
  expect(emulator.revokeCount()).toBe(1);
  expect(emulator.certificates(DEFAULT_CLUSTER_ID).map((c) => c.revoked)).toEqual([true]);
  const revokedAt = created.outputs?.["revokedAt"]?.value as string;
  expect(Date.parse(revokedAt)).toBeGreaterThanOrEqual(before - 1000);

  const again = await op("main", "up", ids, "first");
  expect(again.ok).toBe(true);
  expect(again.changes).toEqual({ same: 2 });
  expect(emulator.revokeCount()).toBe(1);

  const refreshed = await op("main", "refresh", ids, "first");
  expect(refreshed.ok).toBe(true);
  expect(revokeCalls()).toBe(1);

  const retriggered = await op("main", "up", ids, "second");
  expect(retriggered.ok).toBe(true);
  expect(retriggered.changes).toMatchObject({ replace: 1 });
  expect(emulator.revokeCount()).toBe(2);
  expect(Date.parse(retriggered.outputs?.["revokedAt"]?.value as string)).toBeGreaterThanOrEqual(Date.parse(revokedAt));

  const destroyed = await op("main", "destroy", ids, "second");
  expect(destroyed.ok).toBe(true);
  expect(emulator.revokeCount()).toBe(2);
  expect(revokeCalls()).toBe(2);
});
