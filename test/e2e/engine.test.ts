/**
 * The real Pulumi engine (CLI built by scripts/install-pulumi.sh) runs a program that uses the
 * package installed from its tarball, against the emulator. One stack goes through the life a
 * user's stack does. Under CI=true these run: a missing CLI fails them, it never skips them.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { engineEnv, runStack, type StackResult, type StackSpec } from "../helpers/engine";
import { programDir } from "../helpers/program-dir";
import { requireTool } from "../helpers/tools";
import { containsValue } from "../helpers/state-scan";
import { DAY_MS } from "../../src/constants";

jest.setTimeout(300_000);

/** The cluster of the second certificate: with an EIP, so its context can move to another server. */
const RENEWING_CLUSTER_ID = "2b8e4f6a-1c3d-4e5f-8a9b-0c1d2e3f4a5b";
const AK = "AKE2ESTACKCONFIG0";
const SK = "SKe2e-stack-config-secret-key-0000";
let emulator: Emulator;
let work: string;
let env: NodeJS.ProcessEnv;
let base: Omit<StackSpec, "op">;

function config(extra: Record<string, string> = {}, secretKey = SK): StackSpec["config"] {
  const plain = { "e2e:endpoint": emulator.url, "e2e:clusterId": EIP_CLUSTER_ID, "huaweicloud:projectId": DEFAULT_PROJECT_ID, ...extra };
  return {
    ...Object.fromEntries(Object.entries(plain).map(([k, value]) => [k, { value }])),
    "huaweicloud:accessKey": { value: AK, secret: true },
    "huaweicloud:secretKey": { value: secretKey, secret: true },
  };
}

async function op(name: StackSpec["op"], extra: Record<string, string> = {}, spec: Partial<StackSpec> = {}): Promise<StackResult> {
  const result = await runStack({ ...base, op: name, config: config(extra), ...spec }, env);
  if (!result.ok && !spec.stack) throw new Error(`pulumi ${name} failed: ${result.message}\n${result.output ?? ""}`);
  return result;
}

const value = (r: StackResult, key: string) => r.outputs?.[key]?.value as string;

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  await emulator.addCluster(DEFAULT_PROJECT_ID, { id: RENEWING_CLUSTER_ID, eip: true });
  work = mkdtempSync(join(tmpdir(), "cce-e2e-"));
  env = engineEnv(join(work, "pulumi-home"));
  mkdirSync(join(work, "state"));
  copyFileSync(join(__dirname, "program.js"), join(programDir(), "e2e-program.js"));
  base = { programDir: programDir(), programFile: "e2e-program.js", project: "cce-e2e", stack: "dev", backendUrl: `file://${join(work, "state")}` };
  requireTool("kubectl");
});
afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

let upOutputs: StackResult;

test("1. preview of an empty stack mints nothing", async () => {
  const result = await op("preview");
  expect(result.changeSummary).toMatchObject({ create: 2 }); // the stack and the certificate
  expect(emulator.mintCount()).toBe(0);
});

test("2. up mints one certificate; the outputs are the emulator's, and kubectl reaches the cluster", async () => {
  upOutputs = await op("up");
  expect(emulator.mintCount()).toBe(1);
  const issued = emulator.certificates(EIP_CLUSTER_ID)[0]!;
  expect(value(upOutputs, "expiresAt")).toBe(issued.notAfter.toISOString());
  expect(value(upOutputs, "currentContext")).toBe("externalTLSVerify");
  expect(value(upOutputs, "clusterId")).toBe(EIP_CLUSTER_ID);
  expect(upOutputs.outputs?.["kubeconfig"]?.secret).toBe(true);
  const kubeconfig = value(upOutputs, "kubeconfig");
  expect(kubeconfig).toContain(Buffer.from(issued.certificatePem).toString("base64"));
  const file = join(work, "kubeconfig");
  writeFileSync(file, kubeconfig, { mode: 0o600 });
  const { stdout } = await promisify(execFile)("kubectl", ["--kubeconfig", file, "--cache-dir", join(work, "kcache"), "get", "--raw", "/version"]);
  expect(JSON.parse(stdout)).toMatchObject({ major: "1" });
});

test("3. the state holds no secret in plaintext, __provider included; --show-secrets proves the check is not vacuous", async () => {
  const kubeconfig = value(upOutputs, "kubeconfig");
  const clientKey = value(upOutputs, "clientKeyData");
  const issued = emulator.certificates(EIP_CLUSTER_ID)[0]!;
  const secrets = {
    kubeconfig,
    clientKeyData: clientKey,
    clientKeyPem: Buffer.from(clientKey, "base64").toString(),
    clientCertificateData: Buffer.from(issued.certificatePem).toString("base64"),
    certificateAuthorityData: Buffer.from(emulator.clusterCaPem(EIP_CLUSTER_ID)).toString("base64"),
    accessKey: AK,
    secretKey: SK,
  };
  const plain = (await op("export")).state!;
  expect(plain).toContain("__provider");
  for (const [name, secret] of Object.entries(secrets)) {
    expect({ name, leaked: containsValue(plain, secret) }).toEqual({ name, leaked: false });
  }
  const shown = (await op("export-secrets")).state!;
  for (const [name, secret] of Object.entries(secrets)) {
    if (name === "clientKeyPem") continue; // stored as base64 data, not PEM
    expect({ name, shown: containsValue(shown, secret) }).toEqual({ name, shown: true });
  }
});

test("4. refresh, then up: no mint and no changes", async () => {
  const refreshed = await op("refresh");
  expect(refreshed.changes).toEqual({ same: 2 });
  const again = await op("up");
  expect(again.changes).toEqual({ same: 2 });
  expect(emulator.mintCount()).toBe(1);
});

test("5. changing context updates in place without minting", async () => {
  const result = await op("up", { "e2e:context": "internal" });
  expect(result.changes).toEqual({ same: 1, update: 1 });
  expect(value(result, "currentContext")).toBe("internal");
  expect(emulator.mintCount()).toBe(1);
});

test("6. a certificate inside its renewal window is replaced by exactly one mint; a k8s.Provider pinned by clusterIdentifier is updated, never replaced", async () => {
  const extra: Record<string, string> = { "e2e:context": "internal", "e2e:renewingClusterId": RENEWING_CLUSTER_ID };
  emulator.backdateCertificates(340); // a 365-day certificate with 25 days left: inside the 30-day window
  const first = await op("up", extra);
  emulator.backdateCertificates(0);
  expect(first.changes).toEqual({ same: 2, create: 3 }); // the renewing certificate and two k8s.Providers
  expect(emulator.mintCount()).toBe(2);
  const oldExpiry = value(first, "renewingExpiresAt");

  // Renewal replaces the certificate, so at preview its kubeconfig is unknown. The provider pinned
  // by clusterIdentifier is planned as an update; the unpinned control would be replaced, and with
  // it everything it manages.
  const pinned = value(first, "k8sProviderUrn");
  const unpinned = value(first, "unpinnedProviderUrn");
  const renewingUrn = pinned.replace(/pulumi:providers:kubernetes::k8s$/, "pulumi-nodejs:dynamic/cce:ClusterCertificate::renewing");
  const plan = await op("preview", extra);
  expect(plan.steps?.[renewingUrn]).toContain("replace");
  expect(plan.steps?.[pinned]).toEqual(["update"]);
  expect(plan.steps?.[unpinned]).toContain("replace");
  expect(emulator.mintCount()).toBe(2); // preview mints nothing, renewal or not

  const renewed = await op("up", extra);
  expect(renewed.steps?.[renewingUrn]).toContain("replace");
  expect(renewed.steps?.[pinned]).toEqual(["update"]);
  expect(emulator.mintCount()).toBe(3);
  expect(Date.parse(value(renewed, "renewingExpiresAt"))).toBeGreaterThan(Date.parse(oldExpiry) + 300 * DAY_MS);
  expect(value(renewed, "renewingClusterId")).toBe(value(first, "renewingClusterId"));

  // A context moving to another server: the pinned provider is updated, the unpinned control replaced.
  const moved = await op("up", { ...extra, "e2e:renewingContext": "internal" });
  expect(moved.steps?.[renewingUrn]).toEqual(["update"]);
  expect(moved.steps?.[pinned]).toEqual(["update"]);
  expect(moved.steps?.[unpinned]).toContain("replace");
  expect(emulator.mintCount()).toBe(3);

  const settled = await op("up", { ...extra, "e2e:renewingContext": "internal" });
  expect(settled.changes).toEqual({ same: 5 });
  expect(emulator.mintCount()).toBe(3);
});

test("7. when the cluster is deleted, refresh removes its certificate from state", async () => {
  emulator.deleteCluster(RENEWING_CLUSTER_ID);
  const result = await op("refresh", { "e2e:context": "internal", "e2e:renewingClusterId": RENEWING_CLUSTER_ID, "e2e:renewingContext": "internal" });
  expect(result.changes).toMatchObject({ delete: 1 });
  expect(emulator.mintCount()).toBe(3);
});

test("8. destroy succeeds and neither mints nor revokes", async () => {
  emulator.clearRequests();
  const result = await op("destroy");
  expect(result.changes).toEqual({ delete: 4 }); // the stack, the certificate and the two k8s.Providers
  expect([emulator.mintCount(), emulator.revokeCount()]).toEqual([3, 0]);
  expect(emulator.requests.filter((r) => r.path.includes("clustercert"))).toEqual([]);
});

test("a wrong secret key fails up with the API code and request id, and never prints the key", async () => {
  const wrong = "SKwrong-secret-key-for-e2e-000000";
  const result = await runStack({ ...base, stack: "wrong-key", op: "up", config: config({}, wrong) }, env);
  expect(result.ok).toBe(false);
  const text = `${result.message}\n${result.output}`;
  expect(text).toMatch(/HTTP 401 APIGW\.0301/);
  expect(text).toMatch(/request id [0-9a-f]{8,}/);
  expect(text).not.toContain(wrong);
  expect(text).not.toContain(SK);
});
