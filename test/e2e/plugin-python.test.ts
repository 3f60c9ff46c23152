/**
 * The Python SDK (sdk/python, pip-installed into a venv of this test) and the example program
 * (examples/python, imported by test/e2e/python/driver.py as an Automation API inline program)
 * with the real engine and the cce-kubeconfig plugin installed from its tarball, against the
 * emulator. Credentials are secret stack config of the plugin's namespace. Under CI=true these
 * run: a missing tool fails them, it never skips them.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DAY_MS } from "../../src/constants";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import type { PluginSetup } from "../helpers/plugin-install";
import { expectFirstCertificate, installCcePlugin, pythonWithSdk, runDriver, runDriverOk, type DriverResult, type DriverSpec } from "../helpers/sdk-programs";
import { containsValue } from "../helpers/state-scan";

jest.setTimeout(600_000);

/** The name in examples/python/Pulumi.yaml: the namespace of the program's own config. */
const PROJECT = "cce-kubeconfig-python";
const AK = "AKPYTHONSDKE2E000";
const SK = "SKpython-sdk-e2e-secret-key-00000";
/** The stack whose certificate is minted inside its renewal window. */
const RENEWAL_STACK = "renewal";
const DRIVER = join(__dirname, "python", "driver.py");
const EXAMPLE = join(__dirname, "..", "..", "examples", "python");

let emulator: Emulator;
let work: string;
let setup: PluginSetup;
let python: string;
const timings: Array<[string, number]> = [];

function config(extra: Record<string, string> = {}): DriverSpec["config"] {
  const plain = { [`${PROJECT}:clusterId`]: EIP_CLUSTER_ID, [`${PROJECT}:endpoint`]: emulator.url, "cce-kubeconfig:projectId": DEFAULT_PROJECT_ID, ...extra };
  return {
    ...Object.fromEntries(Object.entries(plain).map(([key, value]) => [key, { value }])),
    "cce-kubeconfig:accessKey": { value: AK, secret: true },
    "cce-kubeconfig:secretKey": { value: SK, secret: true },
  };
}

function spec(op: DriverSpec["op"], stack = "dev", extra: Record<string, string> = {}): DriverSpec {
  return { op, project: PROJECT, stack, workDir: join(work, "stack"), backendUrl: setup.backendUrl, exampleDir: EXAMPLE, config: config(extra) };
}

async function op(name: DriverSpec["op"], stack = "dev"): Promise<DriverResult> {
  const extra: Record<string, string> = stack === RENEWAL_STACK ? { [`${PROJECT}:clusterId`]: DEFAULT_CLUSTER_ID } : {};
  const result = await runDriverOk(python, [DRIVER], spec(name, stack, extra), setup.env);
  timings.push([`${name} (${stack})`, result.ms]);
  return result;
}

const output = (r: DriverResult, key: string) => r.outputs?.[key]?.value as string;
/** The base64 client keys a kubeconfig holds (`client-key-data:` of each user). */
const clientKeys = (kubeconfig: string) => [...kubeconfig.matchAll(/client-key-data:\s*(\S+)/g)].map((m) => m[1]!);

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  work = mkdtempSync(join(tmpdir(), "cce-plugin-python-"));
  mkdirSync(join(work, "stack"));
  let started = Date.now();
  setup = await installCcePlugin(work);
  timings.push(["plugin install", Date.now() - started]);
  started = Date.now();
  python = await pythonWithSdk(work);
  timings.push(["venv + pip install of sdk/python", Date.now() - started]);
});
afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  console.log(`plugin-python timings:\n${timings.map(([name, ms]) => `  ${name}: ${(ms / 1000).toFixed(1)} s`).join("\n")}`);
});

let created: DriverResult;
let dueUp: DriverResult;
let renewed: DriverResult;

test("the plugin is installed from its tarball, and it is the only plugin the engine can use", () => {
  expect(setup.installed).toEqual([{ name: "cce-kubeconfig", kind: "resource", version: "0.1.0" }]);
  expect(setup.env["PULUMI_IGNORE_AMBIENT_PLUGINS"]).toBe("true");
});

test("up creates the certificate with exactly one mint; kubeconfig is a secret stack output and expiresAt is the certificate's", async () => {
  created = await op("up");
  expectFirstCertificate(created, emulator, EIP_CLUSTER_ID);
});

test("refresh mints nothing and changes nothing", async () => {
  const refreshed = await op("refresh");
  expect(refreshed.changes).toEqual({ same: 2 });
  expect(emulator.mintCount()).toBe(1);
});

test("an up inside the renewal window replaces the certificate with exactly one mint", async () => {
  // A second stack, whose certificate is stamped 340 days old: a 365-day certificate with 25
  // days left, inside the default 30-day window, so the next up renews it.
  emulator.backdateCertificates(340);
  try {
    dueUp = await op("up", RENEWAL_STACK);
  } finally {
    emulator.backdateCertificates(0);
  }
  expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(1);

  renewed = await op("up", RENEWAL_STACK);
  const certUrn = Object.keys(renewed.steps ?? {}).find((urn) => urn.endsWith("cce-kubeconfig:index:ClusterCertificate::cert"));
  expect(certUrn).toBeDefined();
  expect(renewed.steps?.[certUrn!]).toContain("replace");
  expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(2);
  expect(Date.parse(output(renewed, "expiresAt"))).toBeGreaterThan(Date.parse(output(dueUp, "expiresAt")) + 300 * DAY_MS);
  expect(output(renewed, "expiresAt")).toBe(emulator.certificates(DEFAULT_CLUSTER_ID)[1]!.notAfter.toISOString());
  expect(renewed.outputs?.["kubeconfig"]?.secret).toBe(true);
  expect(output(renewed, "kubeconfig")).not.toBe(output(dueUp, "kubeconfig"));
});

test("pulumi stack export holds no client key, kubeconfig or secret key in plaintext, the renewed-away ones included; the scan finds each where it is", async () => {
  const oldKubeconfig = output(dueUp, "kubeconfig");
  const kubeconfig = output(renewed, "kubeconfig");
  const [clientKey] = clientKeys(kubeconfig);
  const [oldClientKey] = clientKeys(oldKubeconfig);
  expect([clientKey, oldClientKey].every((k) => k !== undefined && k.length > 100)).toBe(true);
  const secrets = {
    kubeconfig,
    clientKeyData: clientKey!,
    clientKeyPem: Buffer.from(clientKey!, "base64").toString(),
    oldKubeconfig,
    oldClientKeyData: oldClientKey!,
    accessKey: AK,
    secretKey: SK,
  };
  const plain = (await op("export", RENEWAL_STACK)).state!;
  expect(plain).toContain("pulumi:providers:cce-kubeconfig");
  for (const [name, secret] of Object.entries(secrets)) {
    expect({ name, leaked: containsValue(plain, secret) }).toEqual({ name, leaked: false });
  }

  // Controls: the export with --show-secrets holds the current ones, so the scan above looked
  // for values that are really there; and a key planted into the plain export is found.
  const shown = (await op("export-secrets", RENEWAL_STACK)).state!;
  for (const name of ["kubeconfig", "clientKeyData", "accessKey", "secretKey"] as const) {
    expect({ name, shown: containsValue(shown, secrets[name]) }).toEqual({ name, shown: true });
  }
  const planted = JSON.parse(plain) as { deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const cert = planted.deployment.resources.find((r) => r.type === "cce-kubeconfig:index:ClusterCertificate")!;
  cert.outputs = { ...cert.outputs, planted: clientKey };
  expect(containsValue(JSON.stringify(planted), clientKey!)).toBe(true);
});

test("an unknown clusterKind fails up with an error that names the property, and mints nothing", async () => {
  const result = await runDriver(python, [DRIVER], spec("up", "bad-input", { [`${PROJECT}:clusterKind`]: "eks" }), setup.env);
  timings.push(["up (bad input)", result.ms]);
  expect(result.ok).toBe(false);
  expect(result.message).toMatch(/clusterKind/);
  expect(result.message).toMatch(/must be one of cce, autopilot/);
  expect(result.message).not.toContain(SK);
  expect(emulator.mintCount()).toBe(3);
});

test("destroy deletes the certificate and neither mints nor revokes", async () => {
  const destroyed = await op("destroy");
  expect(destroyed.changes).toEqual({ delete: 2 });
  expect([emulator.mintCount(), emulator.revokeCount()]).toEqual([3, 0]);
});
