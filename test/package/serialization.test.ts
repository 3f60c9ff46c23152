/**
 * The provider as Pulumi stores it: serialized from the package installed under node_modules
 * (npm pack), then revived in a fresh Node process the way the dynamic-provider host does.
 */
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { runNode } from "../helpers/program-dir";

const PLANTED = {
  HW_ACCESS_KEY: "AKPLANTEDINENV0000",
  HW_SECRET_KEY: "SKplanted-in-the-environment-0000",
  HW_AUTH_TOKEN: "planted-token-0000",
};

const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const { clusterCertificateProvider, execKubeconfigProvider, certificateRevocationProvider } = require("pulumi-cce-kubeconfig");
const serialize = (provider) => pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true }).then((sf) => ({ text: sf.text, containsSecrets: sf.containsSecrets }));
Promise.all([serialize(clusterCertificateProvider), serialize(execKubeconfigProvider), serialize(certificateRevocationProvider)])
  .then(([certificate, exec, revocation]) => process.stdout.write(JSON.stringify({ ...certificate, exec, revocation })));
`;

let emulator: Emulator;
let serialized: { text: string; containsSecrets: boolean; exec: { text: string; containsSecrets: boolean }; revocation: { text: string; containsSecrets: boolean } };

beforeAll(async () => {
  emulator = await startTestEmulator();
  serialized = JSON.parse(await runNode(SERIALIZE, PLANTED));
});
afterAll(() => emulator.stop());

test("the serialized provider is a require of the shim module, nothing captured by value", () => {
  // Issue #9: the object literal it replaced serialized to 2,832 characters, stored twice per resource.
  expect(serialized.text.length).toBeLessThan(400);
  expect(serialized.text).toContain('require("pulumi-cce-kubeconfig/provider/shim")');
  expect(serialized.containsSecrets).toBe(false);
  for (const heavy of ["zod", "undici", "x509", "createHmac"]) expect(serialized.text).not.toContain(heavy);
});

test("the serialized provider contains no credential from the environment", () => {
  for (const value of Object.values(PLANTED)) expect(serialized.text).not.toContain(value);
});

test("the ExecKubeconfig's serialized provider is a require of its own shim, nothing captured, no credential of the environment", () => {
  expect(serialized.exec.text.length).toBeLessThan(400);
  expect(serialized.exec.text).toContain('require("pulumi-cce-kubeconfig/provider/exec-shim")');
  expect(serialized.exec.containsSecrets).toBe(false);
  for (const heavy of ["zod", "undici", "x509", "createHmac", "yaml"]) expect(serialized.exec.text).not.toContain(heavy);
  for (const value of Object.values(PLANTED)) expect(serialized.exec.text).not.toContain(value);
});

test("the CertificateRevocation's serialized provider is a require of its own shim, nothing captured, no credential of the environment", () => {
  expect(serialized.revocation.text.length).toBeLessThan(400);
  expect(serialized.revocation.text).toContain('require("pulumi-cce-kubeconfig/resources/certificate-revocation/shim")');
  expect(serialized.revocation.containsSecrets).toBe(false);
  for (const heavy of ["zod", "undici", "x509", "createHmac", "yaml"]) expect(serialized.revocation.text).not.toContain(heavy);
  for (const value of Object.values(PLANTED)) expect(serialized.revocation.text).not.toContain(value);
});

test("a fresh process revives it and it creates, reads and diffs against the emulator", async () => {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  const config = { "huaweicloud:accessKey": accessKey, "huaweicloud:secretKey": secretKey, "huaweicloud:projectId": DEFAULT_PROJECT_ID };
  const revive = `
    let requireFromString;
    try { requireFromString = require("require-from-string"); } catch { requireFromString = require(require.resolve("require-from-string", { paths: [require.resolve("@pulumi/pulumi")] })); }
    const text = ${JSON.stringify(serialized.text)};
    const config = ${JSON.stringify(config)};
    (async () => {
      const provider = requireFromString(text).handler();
      await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
      const checked = await provider.check({}, { clusterId: ${JSON.stringify(DEFAULT_CLUSTER_ID)}, endpoint: ${JSON.stringify(emulator.url)} });
      if (checked.failures.length) throw new Error(JSON.stringify(checked.failures));
      const created = await provider.create(checked.inputs);
      const read = await provider.read(created.id, created.outs);
      const diff = await provider.diff(created.id, created.outs, checked.inputs);
      process.stdout.write(JSON.stringify({ id: created.id, currentContext: created.outs.currentContext, readSame: read.id === created.id, diff }));
    })().catch((e) => { console.error(e.message); process.exit(1); });
  `;
  const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
  // The planted key pair stays (the config pair beats an env pair); the planted token does not: a
  // token wins over any key pair, as in the huaweicloud Terraform provider.
  const { HW_AUTH_TOKEN: _token, ...plantedKeys } = PLANTED;
  const result = JSON.parse(await runNode(revive, plantedKeys));
  expect(result).toMatchObject({ currentContext: "internal", readSame: true, diff: { changes: false } });
  expect(result.id).toMatch(new RegExp(`^${DEFAULT_CLUSTER_ID}:`));
  expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
});
