/**
 * The Python SDK (sdk/python, pip-installed into a venv of this test) and the example program
 * (examples/python, imported by test/e2e/python/driver.py as an Automation API inline program)
 * with the real engine and the cce-kubeconfig plugin installed from its tarball, against the
 * emulator, through helpers/plugin-program.ts. Credentials are secret stack config of the plugin's
 * namespace. Under CI=true these run: a missing tool fails them, it never skips them.
 */
import { DAY_MS } from "../../src/constants";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import type { PluginSetup } from "../helpers/plugin-install";
import { pluginProgram, type PluginProgram, type ProgramConfig, type UpOutcome } from "../helpers/plugin-program";
import { expectFirstCertificate } from "../helpers/sdk-programs";
import { containsValue } from "../helpers/state-scan";

jest.setTimeout(600_000);

const AK = "AKPYTHONSDKE2E000";
const SK = "SKpython-sdk-e2e-secret-key-00000";

let emulator: Emulator;
let program: PluginProgram;
/** The stack whose certificate is minted inside its renewal window. */
let renewal: PluginProgram;
let setup: PluginSetup;

function config(extra: ProgramConfig = {}): ProgramConfig {
  return {
    clusterId: EIP_CLUSTER_ID,
    endpoint: emulator.url,
    "cce-kubeconfig:projectId": DEFAULT_PROJECT_ID,
    "cce-kubeconfig:accessKey": { value: AK, secret: true },
    "cce-kubeconfig:secretKey": { value: SK, secret: true },
    ...extra,
  };
}

const output = (r: UpOutcome, key: string) => r.outputs[key]?.value as string;
/** The base64 client keys a kubeconfig holds (`client-key-data:` of each user). */
const clientKeys = (kubeconfig: string) => [...kubeconfig.matchAll(/client-key-data:\s*(\S+)/g)].map((m) => m[1]!);

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  program = pluginProgram({ name: "plugin-python", language: "python", program: "examples/python/cce_certificate.py", config: config() });
  setup = await program.install();
  renewal = program.sibling({ stack: "renewal", config: config({ clusterId: DEFAULT_CLUSTER_ID }) });
});
afterAll(async () => {
  await emulator?.stop();
  await program?.dispose();
});

let created: UpOutcome;
let dueUp: UpOutcome;
let renewed: UpOutcome;

test("the plugin is installed from its tarball, and it is the only plugin the engine can use", () => {
  expect(setup.installed).toEqual([{ name: "cce-kubeconfig", kind: "resource", version: "0.1.0" }]);
  expect(setup.env["PULUMI_IGNORE_AMBIENT_PLUGINS"]).toBe("true");
});

test("up creates the certificate with exactly one mint; kubeconfig is a secret stack output and expiresAt is the certificate's", async () => {
  created = await program.up();
  expectFirstCertificate(created, emulator, EIP_CLUSTER_ID);
});

test("refresh mints nothing and changes nothing", async () => {
  const refreshed = await program.refresh();
  expect(refreshed.changes).toEqual({ same: 2 });
  expect(emulator.mintCount()).toBe(1);
});

test("an up inside the renewal window replaces the certificate with exactly one mint", async () => {
  // A second stack, whose certificate is stamped 340 days old: a 365-day certificate with 25
  // days left, inside the default 30-day window, so the next up renews it.
  emulator.backdateCertificates(340);
  try {
    dueUp = await renewal.up();
  } finally {
    emulator.backdateCertificates(0);
  }
  expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(1);

  renewed = await renewal.up();
  const certUrn = renewed.urns.find((urn) => urn.endsWith("cce-kubeconfig:index:ClusterCertificate::cert"));
  expect(certUrn).toBeDefined();
  expect(renewed.steps["cert"]).toContain("replace");
  expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(2);
  expect(Date.parse(output(renewed, "expiresAt"))).toBeGreaterThan(Date.parse(output(dueUp, "expiresAt")) + 300 * DAY_MS);
  expect(output(renewed, "expiresAt")).toBe(emulator.certificates(DEFAULT_CLUSTER_ID)[1]!.notAfter.toISOString());
  expect(renewed.outputs["kubeconfig"]?.secret).toBe(true);
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
  const plain = await renewal.exportState();
  expect(plain).toContain("pulumi:providers:cce-kubeconfig");
  for (const [name, secret] of Object.entries(secrets)) {
    expect({ name, leaked: containsValue(plain, secret) }).toEqual({ name, leaked: false });
  }

  // Controls: the export with --show-secrets holds the current ones, so the scan above looked
  // for values that are really there; and a key planted into the plain export is found.
  const shown = await renewal.exportState({ showSecrets: true });
  for (const name of ["kubeconfig", "clientKeyData", "accessKey", "secretKey"] as const) {
    expect({ name, shown: containsValue(shown, secrets[name]) }).toEqual({ name, shown: true });
  }
  const planted = JSON.parse(plain) as { deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const cert = planted.deployment.resources.find((r) => r.type === "cce-kubeconfig:index:ClusterCertificate")!;
  cert.outputs = { ...cert.outputs, planted: clientKey };
  expect(containsValue(JSON.stringify(planted), clientKey!)).toBe(true);
});

test("an unknown clusterKind fails up with an error that names the property, and mints nothing", async () => {
  const result = await program.sibling({ stack: "bad-input", config: config({ clusterKind: "eks" }) }).up({ expectFailure: true });
  expect(result.ok).toBe(false);
  expect(result.message).toMatch(/clusterKind/);
  expect(result.message).toMatch(/must be one of cce, autopilot/);
  expect(result.message).not.toContain(SK);
  expect(emulator.mintCount()).toBe(3);
});

test("destroy deletes the certificate and neither mints nor revokes", async () => {
  const destroyed = await program.destroy();
  expect(destroyed.changes).toEqual({ delete: 2 });
  expect([emulator.mintCount(), emulator.revokeCount()]).toEqual([3, 0]);
});
