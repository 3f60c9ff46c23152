/**
 * `pulumi-cce-kubeconfig/client`, from the packed package in a fresh process: it loads undici and
 * the client's own modules only (issue #9: no @pulumi/pulumi, emulator, X.509, YAML or zod), and
 * mints a certificate through the emulator.
 */
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { runNode } from "../helpers/program-dir";

/** Requires `entry` in a fresh process and prints the packages and package files it loaded. */
const LOADED = (entry: string) => `
const before = new Set(Object.keys(require.cache));
require(${JSON.stringify(entry)});
const loaded = Object.keys(require.cache).filter((f) => !before.has(f)).map((f) => f.split("node_modules/").pop());
const packages = [...new Set(loaded.map((f) => f.split("/").slice(0, f.startsWith("@") ? 2 : 1).join("/")))];
const ours = loaded.filter((f) => f.startsWith("pulumi-cce-kubeconfig/")).map((f) => f.replace("pulumi-cce-kubeconfig/dist/", ""));
process.stdout.write(JSON.stringify({ packages: packages.filter((p) => p !== "pulumi-cce-kubeconfig").sort(), ours }));
`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

test("the client entry point loads undici and the client's modules, nothing of Pulumi, the emulator, X.509, YAML or zod", async () => {
  const { packages, ours } = JSON.parse(await runNode(LOADED("pulumi-cce-kubeconfig/client"))) as { packages: string[]; ours: string[] };
  expect(packages).toEqual(["undici"]);
  expect(ours.filter((f) => /^(emulator|kubeconfig|provider)\//.test(f))).toEqual([]);
  expect(ours).toContain("api/client.js");
});

test("control: the package's main entry point does load @pulumi/pulumi and more, so the check can fail", async () => {
  const { packages } = JSON.parse(await runNode(LOADED("pulumi-cce-kubeconfig"))) as { packages: string[] };
  expect(packages).toEqual(expect.arrayContaining(["@pulumi/pulumi", "yaml"]));
});

test("a certificate minted through the client entry point", async () => {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  const script = `
const { CceClient, isCceApiError } = require("pulumi-cce-kubeconfig/client");
const client = new CceClient({ endpoint: ${JSON.stringify(emulator.url)}, projectId: ${JSON.stringify(DEFAULT_PROJECT_ID)},
  credentials: { kind: "aksk", accessKey: process.env.CLIENT_AK, secretKey: process.env.CLIENT_SK } });
client.createClusterCertificate(${JSON.stringify(DEFAULT_CLUSTER_ID)}, { duration: 7 })
  .then((issued) => client.getCluster("00000000-0000-4000-8000-00000000dead").catch((e) => [issued, e]))
  .then(([issued, e]) => process.stdout.write(JSON.stringify({ contexts: issued.config.contexts.map((c) => c.name), gone: isCceApiError(e) && e.isClusterGone })));
`;
  const before = emulator.mintCount();
  expect(JSON.parse(await runNode(script, { CLIENT_AK: accessKey, CLIENT_SK: secretKey }))).toEqual({ contexts: ["internal"], gone: true });
  expect(emulator.mintCount()).toBe(before + 1);
});
