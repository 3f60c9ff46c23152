/**
 * ECS instance metadata in the real engine (the CLI built by scripts/install-pulumi.sh), with the
 * packed package, against the emulator's metadata service on loopback (HW_ECS_METADATA_URL): a
 * stack with no credentials at all, only the region and the IAM URL, creates a certificate with
 * the instance's temporary keys (token step, securitykey, project lookup, mint); the keys reach
 * neither state nor output. Under CI=true a missing CLI fails these, it never skips them.
 */
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
  stacks = new SignInStacks(emulator, "ecs");
  // No credentials: only where the metadata service answers (loopback, the emulator).
  env = stacks.env({ HW_ECS_METADATA_URL: emulator.url });
});
afterAll(async () => {
  await emulator?.stop();
  stacks?.remove();
});

test("1. up with no credentials at all signs with the instance's keys: token step, securitykey, project lookup, one mint", async () => {
  const up = await ok("ecs", "up");
  expect(up.changes).toEqual({ create: 2 });
  expect(log(0)).toEqual([
    "PUT meta-data 200 none", // the token step
    "GET openstack 200 none", // /openstack/latest/securitykey
    "GET /v3/projects 200 aksk",
    "POST api 200 aksk",
  ]);
  expect(emulator.certificates(DEFAULT_CLUSTER_ID)).toHaveLength(1);
  expect(emulator.requests.at(-1)!.projectId).toBe(DEFAULT_PROJECT_ID);
});

test("2. the instance's keys are in neither state nor the engine's output (control: the kubeconfig is found with --show-secrets)", async () => {
  const { credentials } = emulator.issuedCredentials();
  expect(credentials.length).toBeGreaterThan(0);
  const plain = (await ok("ecs", "export")).state!;
  const shown = (await ok("ecs", "export-secrets")).state!;
  for (const { accessKey, secretKey, securityToken } of credentials) {
    for (const value of [accessKey, secretKey, securityToken!]) {
      expect([containsValue(plain, value), containsValue(shown, value), stacks.outputs.some((o) => o.includes(value))]).toEqual([false, false, false]);
    }
  }
  const kubeconfig = (await ok("ecs", "outputs")).outputs!["kubeconfig"]!.value as string;
  expect(containsValue(shown, kubeconfig)).toBe(true);
  await ok("ecs", "destroy");
});
