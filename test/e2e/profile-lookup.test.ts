/**
 * A KooCLI profile and the project id lookup in the real engine (the CLI built by
 * scripts/install-pulumi.sh), with the packed package, against the emulator: a stack that names
 * only a profile (HW_PROFILE + HW_SHARED_CONFIG_FILE), the region and the IAM URL, and no project
 * id, creates a certificate after one GET /v3/projects; a second up changes nothing and asks IAM
 * nothing (diff keeps the stored project); the profile's secret key reaches neither state nor
 * output. Under CI=true a missing CLI fails these, it never skips them.
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
  stacks = new SignInStacks(emulator, "profile");
  const file = join(stacks.work, "hcloud-config.json");
  const { accessKey, secretKey } = emulator.credentials[0]!;
  writeFileSync(file, JSON.stringify({ current: "other", profiles: [{ name: "deploy", mode: "AKSK", accessKeyId: accessKey, secretAccessKey: secretKey }] }));
  // Only the profile: no other HW_* setting of the machine running the tests.
  env = stacks.env({ HW_SHARED_CONFIG_FILE: file, HW_PROFILE: "deploy" });
});
afterAll(async () => {
  await emulator?.stop();
  stacks?.remove();
});

test("1. up with a named profile and no project id looks the project up once, then mints one certificate with the profile's keys", async () => {
  const up = await ok("profile", "up");
  expect(up.changes).toEqual({ create: 2 });
  expect(log(0)).toEqual(["GET /v3/projects 200 aksk", "POST api 200 aksk"]);
  expect(emulator.certificates(DEFAULT_CLUSTER_ID)).toHaveLength(1);
  expect(emulator.requests.at(-1)!.projectId).toBe(DEFAULT_PROJECT_ID);
});

test("2. a second up changes nothing and calls neither IAM nor CCE: the stored certificate keeps its looked-up project", async () => {
  const from = emulator.requests.length;
  const up = await ok("profile", "up");
  expect(up.changes).toEqual({ same: 2 });
  expect(log(from)).toEqual([]);
});

test("3. the profile's secret key is in neither state nor the engine's output (control: the kubeconfig is found with --show-secrets)", async () => {
  const { secretKey } = emulator.credentials[0]!;
  const plain = (await ok("profile", "export")).state!;
  const shown = (await ok("profile", "export-secrets")).state!;
  expect([containsValue(plain, secretKey), containsValue(shown, secretKey), stacks.outputs.some((o) => o.includes(secretKey))]).toEqual([false, false, false]);
  const kubeconfig = (await ok("profile", "outputs")).outputs!["kubeconfig"]!.value as string;
  expect(containsValue(shown, kubeconfig)).toBe(true);
  await ok("profile", "destroy");
});
