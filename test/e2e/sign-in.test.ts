/**
 * Password sign-in in the real engine (the CLI built by scripts/install-pulumi.sh), with the packed
 * package, against the emulator's IAM and CCE: a stack with only a user name, password and account
 * creates, refreshes and destroys certificates; a token revoked in the middle of a deployment is
 * replaced by exactly one new sign-in; a conflict between two methods is a warning in the engine's
 * output; and neither the password nor any token reaches state or output. Under CI=true a missing
 * CLI fails these, it never skips them.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { engineEnv, runStack, type StackResult, type StackSpec } from "../helpers/engine";
import { findLeaks } from "../helpers/leak-scan";
import { programDir } from "../helpers/program-dir";
import { containsValue } from "../helpers/state-scan";
import { cloudFreeEnv } from "../helpers/cloud-free-env";

jest.setTimeout(300_000);

const AUTOPILOT_EIP_ID = "a7a7a7a7-0000-4000-8000-0000000000e1";
const PASSWORD = "E2e-Sign-In-Password-0001";
const WRONG_PASSWORD = "E2e-Wrong-Password-0002";

let emulator: Emulator;
let work: string;
let env: NodeJS.ProcessEnv;
let base: Omit<StackSpec, "op" | "stack">;
/** Everything the engine printed, for the leak scan. */
const outputs: string[] = [];

function config(extra: Record<string, { value: string; secret?: boolean }> = {}): StackSpec["config"] {
  return {
    "e2e:endpoint": { value: emulator.url },
    "e2e:clusterId": { value: DEFAULT_CLUSTER_ID },
    "huaweicloud:projectId": { value: DEFAULT_PROJECT_ID },
    "huaweicloud:authUrl": { value: emulator.authUrl },
    "huaweicloud:userName": { value: "deployer" },
    "huaweicloud:domainName": { value: "acme" },
    "huaweicloud:password": { value: PASSWORD, secret: true },
    ...extra,
  };
}

async function run(stack: string, op: StackSpec["op"], extra: Parameters<typeof config>[0] = {}): Promise<StackResult> {
  const result = await runStack({ ...base, stack, op, config: config(extra) }, env);
  outputs.push(`${result.output ?? ""}\n${result.message ?? ""}`);
  return result;
}

async function ok(stack: string, op: StackSpec["op"], extra: Parameters<typeof config>[0] = {}): Promise<StackResult> {
  const result = await run(stack, op, extra);
  if (!result.ok) throw new Error(`pulumi ${op} failed: ${result.message}\n${result.output ?? ""}`);
  return result;
}

/** The emulator's log since `from`, as `METHOD family-or-iam STATUS auth`. */
const log = (from: number) =>
  emulator.requests.slice(from).map((r) => `${r.method} ${r.path.startsWith("/v3") ? r.path : r.path.split("/")[1]} ${r.status} ${r.auth}`);

beforeAll(async () => {
  emulator = await startTestEmulator({ users: [{ name: "deployer", password: PASSWORD, domainName: "acme" }] });
  await emulator.addCluster(DEFAULT_PROJECT_ID, { id: AUTOPILOT_EIP_ID, kind: "autopilot", eip: true });
  work = mkdtempSync(join(tmpdir(), "cce-e2e-sign-in-"));
  // Only what the stack config says: no HW_* setting of the machine running the tests.
  env = cloudFreeEnv(engineEnv(join(work, "pulumi-home")));
  mkdirSync(join(work, "state"));
  copyFileSync(join(__dirname, "iam-program.js"), join(programDir(), "e2e-iam-program.js"));
  base = { programDir: programDir(), programFile: "e2e-iam-program.js", project: "cce-e2e-sign-in", backendUrl: `file://${join(work, "state")}` };
});
afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("1. up with only a user name, password and account signs in once and mints one certificate", async () => {
  const up = await ok("pw", "up");
  expect(up.changes).toEqual({ create: 2 });
  expect(log(0)).toEqual(["POST /v3/auth/tokens 201 password", "POST api 200 token"]);
  expect(up.outputs?.["expiresAt"]?.value).toBe(emulator.certificates(DEFAULT_CLUSTER_ID)[0]!.notAfter.toISOString());
});

test("2. refresh signs in once in its own host process, and mints nothing", async () => {
  const from = emulator.requests.length;
  const refreshed = await ok("pw", "refresh");
  expect(refreshed.changes).toEqual({ same: 2 });
  expect(log(from)).toEqual(["POST /v3/auth/tokens 201 password", "GET api 200 token"]);
  expect(emulator.mintCount()).toBe(1);
});

test("3. a token revoked mid-deployment (after the cluster check, before the mint) is replaced by exactly one new sign-in", async () => {
  const from = emulator.requests.length;
  emulator.expireTokens(1); // revokes every issued token after the next accepted CCE request
  const up = await ok("pw", "up", { "e2e:secondClusterId": { value: AUTOPILOT_EIP_ID } });
  expect(up.changes).toEqual({ same: 2, create: 1 });
  expect(log(from)).toEqual([
    "POST /v3/auth/tokens 201 password",
    "GET autopilot 200 token", // the EIP check of the Autopilot cluster
    "POST autopilot 401 none", // the token was revoked: CCE refuses the mint
    "POST /v3/auth/tokens 201 password", // one new sign-in
    "POST autopilot 200 token", // one retry
  ]);
  expect(up.outputs?.["secondContext"]?.value).toBe("externalTLSVerify");
  expect(emulator.mintCount(AUTOPILOT_EIP_ID)).toBe(1);
});

test("4. the state holds neither the password nor any token IAM issued; --show-secrets shows the kubeconfig (the scan reads secrets)", async () => {
  const { tokens } = emulator.issuedCredentials();
  expect(tokens).toHaveLength(4);
  const plain = (await ok("pw", "export")).state!;
  for (const [name, secret] of [["password", PASSWORD], ...tokens.map((t, i) => [`token ${i}`, t])] as const) {
    expect({ name, leaked: containsValue(plain, secret) }).toEqual({ name, leaked: false });
  }
  const shown = (await ok("pw", "export-secrets")).state!;
  const kubeconfig = (await ok("pw", "outputs")).outputs!["kubeconfig"]!.value as string;
  expect([containsValue(plain, kubeconfig), containsValue(shown, kubeconfig)]).toEqual([false, true]);
  for (const token of tokens) expect(containsValue(shown, token)).toBe(false);
});

test("5. with a token and a password both set, up uses the token and the engine output warns, naming settings, never values", async () => {
  const from = emulator.requests.length;
  const token = emulator.tokens[0]!;
  const up = await ok("conflict", "up", { "huaweicloud:token": { value: token, secret: true } });
  expect(log(from)).toEqual(["POST api 200 token"]); // no sign-in
  expect(up.output).toContain(
    "warning: pulumi-cce-kubeconfig: more than one set of CCE credentials is configured; using an IAM token (huaweicloud:token) " +
      "and ignoring a password sign-in (huaweicloud:password + huaweicloud:userName).",
  );
  expect(up.output).toMatch(/1 warning/); // a real engine warning, counted as one
  expect(up.output).not.toContain(token);
  await ok("conflict", "destroy", { "huaweicloud:token": { value: token, secret: true } });
});

test("6. a wrong password fails up with IAM's 401 and what to check, and never prints the password", async () => {
  const result = await run("wrong", "up", { "huaweicloud:password": { value: WRONG_PASSWORD, secret: true } });
  expect(result.ok).toBe(false);
  const text = `${result.message}\n${result.output}`;
  expect(text).toContain("IAM POST /v3/auth/tokens failed: HTTP 401: The username or password is wrong.");
  expect(text).toContain("check the user name, password and account (domain) name");
  expect(text).not.toContain(WRONG_PASSWORD);
});

test("7. destroy succeeds without signing in or calling CCE", async () => {
  const from = emulator.requests.length;
  const destroyed = await ok("pw", "destroy", { "e2e:secondClusterId": { value: AUTOPILOT_EIP_ID } });
  expect(destroyed.changes).toEqual({ delete: 3 });
  expect(log(from)).toEqual([]);
});

test("8. nothing the engine printed in this file holds the password or a token", () => {
  const { tokens } = emulator.issuedCredentials();
  expect(outputs.length).toBeGreaterThan(8);
  expect(findLeaks(outputs, [PASSWORD, WRONG_PASSWORD, ...tokens, emulator.tokens[0]!])).toEqual([]);
});
