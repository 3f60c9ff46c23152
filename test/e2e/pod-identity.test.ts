/**
 * CCE pod identity in the real engine (the CLI built by scripts/install-pulumi.sh), with the
 * packed package, against the emulator's pod identity endpoint on loopback: a stack whose only
 * credentials are HC_CONTAINER_CREDENTIALS_FULL_URI and the pod's token file, as inside a CCE pod,
 * creates a certificate with the pod's temporary keys (after the project lookup); neither the pod
 * token nor the keys reach state or output. Under CI=true a missing CLI fails these, it never
 * skips them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import type { StackSpec } from "../helpers/engine";
import { containsValue } from "../helpers/state-scan";
import { SignInStacks } from "../helpers/sign-in-stacks";

jest.setTimeout(300_000);

let emulator: Emulator;
let stacks: SignInStacks;
let env: NodeJS.ProcessEnv;
const ok = (stack: string, op: StackSpec["op"]) => stacks.ok(stack, op, env);
const log = (from: number) => stacks.log(from);

beforeAll(async () => {
  emulator = await startTestEmulator();
  stacks = new SignInStacks(emulator, "pod");
  const tokenFile = join(stacks.work, "pod-token");
  writeFileSync(tokenFile, emulator.podIdentityToken);
  // Only the pod's environment; the metadata service points at a closed loopback port, so a fallback to it would fail.
  env = stacks.env({ HC_CONTAINER_CREDENTIALS_FULL_URI: emulator.podIdentityUri, HC_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile });
});
afterAll(async () => {
  await emulator?.stop();
  stacks?.remove();
});

test("1. up with only the pod's environment signs with the pod's keys: pod identity, project lookup, one mint", async () => {
  const up = await ok("pod", "up");
  expect(up.changes).toEqual({ create: 2 });
  expect(log(0)).toEqual([
    "POST pod-identity 200 none",
    "GET /v3/projects 200 aksk",
    "POST api 200 aksk",
  ]);
  expect(emulator.certificates(DEFAULT_CLUSTER_ID)).toHaveLength(1);
  expect(emulator.requests.at(-1)!.projectId).toBe(DEFAULT_PROJECT_ID);
});

test("2. neither the pod token nor the pod's keys are in state or the engine's output (control: the kubeconfig is found with --show-secrets)", async () => {
  const { credentials } = emulator.issuedCredentials();
  expect(credentials.length).toBeGreaterThan(0);
  const plain = (await ok("pod", "export")).state!;
  const shown = (await ok("pod", "export-secrets")).state!;
  for (const { accessKey, secretKey, securityToken } of credentials) {
    for (const value of [accessKey, secretKey, securityToken!, emulator.podIdentityToken]) {
      expect([containsValue(plain, value), containsValue(shown, value), stacks.outputs.some((o) => o.includes(value))]).toEqual([false, false, false]);
    }
  }
  const kubeconfig = (await ok("pod", "outputs")).outputs!["kubeconfig"]!.value as string;
  expect(containsValue(shown, kubeconfig)).toBe(true);
  await ok("pod", "destroy");
});
