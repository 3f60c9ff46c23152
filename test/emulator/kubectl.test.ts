/** kubectl, a real client, uses the rendered kubeconfig against the emulator's cluster endpoint. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { Emulator } from "../../src/emulator";
import { renderKubeconfig, type ContextChoice } from "../../src/kubeconfig/render";
import { clientOf, DEFAULT_CLUSTER_ID, EIP_CLUSTER_ID, OTHER_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { requireTool } from "../helpers/tools";

const run = promisify(execFile);
let emulator: Emulator;
let kubectl: string;
let dir: string;

beforeAll(async () => {
  kubectl = requireTool("kubectl");
  emulator = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), "cce-kubectl-"));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function getVersion(kubeconfig: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, kubeconfig, { mode: 0o600 });
  return run(kubectl, ["--kubeconfig", file, "--cache-dir", join(dir, "cache"), "--request-timeout", "10s", "get", "--raw", "/version"]);
}

test.each<[ContextChoice, string]>([
  ["auto", DEFAULT_CLUSTER_ID],
  ["internal", EIP_CLUSTER_ID],
  ["external", EIP_CLUSTER_ID],
  ["externalTLSVerify", EIP_CLUSTER_ID],
])("kubectl get --raw /version succeeds with context %s", async (context, clusterId) => {
  const issued = await clientOf(emulator).createClusterCertificate(clusterId, { duration: 1 });
  const { stdout } = await getVersion(renderKubeconfig(issued.config, context), `${context}.yaml`);
  expect(JSON.parse(stdout)).toMatchObject({ major: "1" });
});

test("kubectl is refused with a certificate from another cluster", async () => {
  const client = clientOf(emulator);
  const mine = (await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })).config;
  const theirs = (await client.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 })).config;
  const mixed = renderKubeconfig({ ...mine, users: theirs.users });
  expect(parse(mixed).users[0].user["client-certificate-data"]).toBe(theirs.users[0]!.user["client-certificate-data"]);
  await expect(getVersion(mixed, "mixed.yaml")).rejects.toMatchObject({ code: 1 });
});
