/**
 * The Go SDK (sdk/go) and the example program (examples/go, whose certificate.Program the driver
 * test/e2e/go imports and runs as an Automation API inline program) with the real engine and the
 * cce-kubeconfig plugin installed from its tarball, against the emulator, through
 * helpers/plugin-program.ts. Credentials are secret stack config of the plugin's namespace. Under
 * CI=true these run: a missing tool fails them, it never skips them.
 */
import type { Emulator } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import type { PluginSetup } from "../helpers/plugin-install";
import { pluginProgram, type PluginProgram, type UpOutcome } from "../helpers/plugin-program";
import { expectFirstCertificate } from "../helpers/sdk-programs";
import { containsValue } from "../helpers/state-scan";

jest.setTimeout(600_000);

const AK = "AKGOSDKE2ESTACK00";
const SK = "SKgo-sdk-e2e-secret-key-0000000000";

let emulator: Emulator;
let program: PluginProgram;
let setup: PluginSetup;

const output = (r: UpOutcome, key: string) => r.outputs[key]?.value as string;

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  program = pluginProgram({
    name: "plugin-go",
    language: "go",
    program: "examples/go",
    config: {
      clusterId: EIP_CLUSTER_ID,
      endpoint: emulator.url,
      "cce-kubeconfig:projectId": DEFAULT_PROJECT_ID,
      "cce-kubeconfig:accessKey": { value: AK, secret: true },
      "cce-kubeconfig:secretKey": { value: SK, secret: true },
    },
  });
  setup = await program.install();
});
afterAll(async () => {
  await emulator?.stop();
  await program?.dispose();
});

let created: UpOutcome;

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

test("pulumi stack export holds no client key, kubeconfig or secret key in plaintext; the scan finds each where it is", async () => {
  const kubeconfig = output(created, "kubeconfig");
  const clientKey = /client-key-data:\s*(\S+)/.exec(kubeconfig)?.[1];
  expect(clientKey?.length).toBeGreaterThan(100);
  const secrets = {
    kubeconfig,
    clientKeyData: clientKey!,
    clientKeyPem: Buffer.from(clientKey!, "base64").toString(),
    accessKey: AK,
    secretKey: SK,
  };
  const plain = await program.exportState();
  expect(plain).toContain("pulumi:providers:cce-kubeconfig");
  for (const [name, secret] of Object.entries(secrets)) {
    expect({ name, leaked: containsValue(plain, secret) }).toEqual({ name, leaked: false });
  }

  // Controls: the export with --show-secrets holds them, so the scan above looked for values that
  // are really there; and a key planted into the plain export is found.
  const shown = await program.exportState({ showSecrets: true });
  for (const name of ["kubeconfig", "clientKeyData", "accessKey", "secretKey"] as const) {
    expect({ name, shown: containsValue(shown, secrets[name]) }).toEqual({ name, shown: true });
  }
  const planted = JSON.parse(plain) as { deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const cert = planted.deployment.resources.find((r) => r.type === "cce-kubeconfig:index:ClusterCertificate")!;
  cert.outputs = { ...cert.outputs, planted: clientKey };
  expect(containsValue(JSON.stringify(planted), clientKey!)).toBe(true);
});

test("destroy deletes the certificate and neither mints nor revokes", async () => {
  const destroyed = await program.destroy();
  expect(destroyed.changes).toEqual({ delete: 2 });
  expect([emulator.mintCount(), emulator.revokeCount()]).toEqual([1, 0]);
});
