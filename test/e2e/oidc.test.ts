/**
 * OIDC federation in the real engine (the CLI built by scripts/install-pulumi.sh), with the packed
 * package, against the emulator's IAM: a stack with no stored Huawei keys, only an identity
 * provider id and the file a CI runner writes its ID token to (as in the README's GitHub Actions
 * workflow), creates a certificate with the federated user's temporary keys; the same from stack
 * config with the ID token as a secret. No ID token, federated token or key reaches state or the
 * engine's output. Under CI=true a missing CLI fails these, it never skips them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import type { StackSpec } from "../helpers/engine";
import { containsValue } from "../helpers/state-scan";
import { SignInStacks } from "../helpers/sign-in-stacks";
import { testIdentityProvider } from "../helpers/id-token";

jest.setTimeout(300_000);

const idp = testIdentityProvider();
let emulator: Emulator;
let stacks: SignInStacks;
let tokenFile: string;
const idTokens: string[] = [];
const ok = (stack: string, op: StackSpec["op"], env: NodeJS.ProcessEnv, config: StackSpec["config"] = {}) => stacks.ok(stack, op, env, config);
// Without the auth column: the exchange authenticates with the ID token in its body.
const log = (from: number) => stacks.log(from).map((line) => line.replace(/ \S+$/, ""));
const engine = () => stacks.env();

beforeAll(async () => {
  emulator = await startTestEmulator({ identityProviders: [idp.provider] });
  stacks = new SignInStacks(emulator, "oidc");
  tokenFile = join(stacks.work, "id-token");
});
afterAll(async () => {
  await emulator?.stop();
  stacks?.remove();
});

test("1. up with only HW_ASSUME_ROLE_IDP_ID and the runner's ID token file: one exchange, temporary keys, one mint in the region's project", async () => {
  const token = idp.idToken();
  idTokens.push(token);
  writeFileSync(tokenFile, token);
  const env = { ...engine(), HW_ASSUME_ROLE_IDP_ID: idp.provider.id, HW_ASSUME_ROLE_ID_TOKEN_FILE: tokenFile };
  const up = await ok("ci", "up", env);
  expect(up.changes).toEqual({ create: 2 });
  expect(log(0)).toEqual(["POST /v3.0/OS-AUTH/id-token/tokens 201", "POST /v3.0/OS-CREDENTIAL/securitytokens 201", "POST api 200"]);
  expect(emulator.requests.at(-1)!.projectId).toBe(DEFAULT_PROJECT_ID);
  await ok("ci", "destroy", env);
});

test("2. the same from stack config, the ID token a secret (huaweicloud:assumeRoleIdToken): one mint", async () => {
  const from = emulator.requests.length;
  const token = idp.idToken();
  idTokens.push(token);
  await ok("ci-config", "up", engine(), { "huaweicloud:assumeRoleIdpId": { value: idp.provider.id }, "huaweicloud:assumeRoleIdToken": { value: token, secret: true } });
  expect(log(from)).toEqual(["POST /v3.0/OS-AUTH/id-token/tokens 201", "POST /v3.0/OS-CREDENTIAL/securitytokens 201", "POST api 200"]);
});

test("3. no ID token, federated token or key is in state or the engine's output (control: the kubeconfig is found with --show-secrets)", async () => {
  const env = engine();
  const plain = (await ok("ci-config", "export", env)).state!;
  const shown = (await ok("ci-config", "export-secrets", env)).state!;
  const issued = emulator.issuedCredentials();
  const secrets = [...idTokens, ...issued.tokens, ...issued.credentials.flatMap((c) => [c.accessKey, c.secretKey, c.securityToken!])];
  expect(secrets.length).toBeGreaterThanOrEqual(8);
  for (const value of secrets) expect([containsValue(plain, value), stacks.outputs.some((o) => o.includes(value))]).toEqual([false, false]);
  // The secret config value is in the stack's settings, encrypted: only the ID token of stack 2 may show with --show-secrets.
  for (const value of [...issued.tokens, ...issued.credentials.flatMap((c) => [c.secretKey, c.securityToken!])]) expect(containsValue(shown, value)).toBe(false);
  const kubeconfig = (await ok("ci-config", "outputs", env)).outputs!["kubeconfig"]!.value as string;
  expect(containsValue(shown, kubeconfig)).toBe(true);
  await ok("ci-config", "destroy", env);
});
