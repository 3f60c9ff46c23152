/**
 * The official SDKs' sources (issue 19, item 1) mint through the provider's operations against
 * the emulator: HUAWEICLOUD_SDK_AK/SK with HUAWEICLOUD_SDK_PROJECT_ID (no project lookup), the INI
 * file's [basic] keys, and HUAWEICLOUD_SDK_IDP_ID + HUAWEICLOUD_SDK_ID_TOKEN_FILE exchanged at IAM.
 * Each has a control: without its settings the call signs otherwise or fails naming them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import type { CertificateOutputs } from "../../src/provider/outputs";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, startTestEmulator } from "../helpers/emulator";
import { testIdentityProvider } from "../helpers/id-token";
import { stackConfig } from "../helpers/stack-config";

const idp = testIdentityProvider("sdk-idp");
let emulator: Emulator;
let dir: string;
let accessKey: string;
let secretKey: string;
/** Every output and error of the file, scanned for the secret key and the ID tokens at the end. */
const seen: string[] = [];
const idTokens: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ identityProviders: [idp.provider] });
  ({ accessKey, secretKey } = emulator.credentials[0]!);
  dir = mkdtempSync(join(tmpdir(), "sdk-credentials-"));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
});

/** Nothing but `env` (HOME pointed at an empty folder, so no real ~/.huaweicloud/credentials is read), with the emulator's IAM. */
async function create(env: Record<string, string>): Promise<CertificateOutputs> {
  const operations = createOperations({
    env: { HOME: dir, HW_ECS_METADATA_URL: "http://127.0.0.1:9", HW_AUTH_URL: emulator.authUrl, HW_REGION_NAME: DEFAULT_PROJECT_NAME, HW_MAX_RETRIES: "0", ...env },
    warn: () => undefined,
    client: { sleep: async () => undefined },
  });
  await operations.configure({ config: stackConfig({}) });
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
  expect(checked.failures).toEqual([]);
  try {
    const outs = (await operations.create(checked.inputs as CheckedInputs)).outs as CertificateOutputs;
    seen.push(JSON.stringify(outs));
    return outs;
  } catch (error) {
    seen.push(String(error), JSON.stringify(error));
    throw error;
  }
}

const idToken = (options?: Parameters<typeof idp.idToken>[0]) => {
  const token = idp.idToken(options);
  idTokens.push(token);
  return token;
};

const lookups = () => emulator.requests.filter((r) => r.path === "/v3/projects").length;

test("HUAWEICLOUD_SDK_AK/SK sign the mint, and HUAWEICLOUD_SDK_PROJECT_ID spares the project lookup (control: without it, one lookup)", async () => {
  const outs = await create({ HUAWEICLOUD_SDK_AK: accessKey, HUAWEICLOUD_SDK_SK: secretKey, HUAWEICLOUD_SDK_PROJECT_ID: DEFAULT_PROJECT_ID });
  expect(outs.projectId).toBe(DEFAULT_PROJECT_ID);
  expect(lookups()).toBe(0);
  expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBeGreaterThan(0);
  forgetIssuedCredentials();
  await create({ HUAWEICLOUD_SDK_AK: accessKey, HUAWEICLOUD_SDK_SK: secretKey });
  expect(lookups()).toBe(1);
});

test("the INI file's [basic] ak + sk sign the mint; the default file under HOME is read too (control: a wrong sk is refused by CCE)", async () => {
  const file = join(dir, "sdk.ini");
  writeFileSync(file, `# SDK credentials\n[global]\nak = NOTUSED000000000000\nsk = not-used\n\n[basic]\nak = ${accessKey}\nsk = "${secretKey}"\nproject_id = ${DEFAULT_PROJECT_ID}\n`);
  expect((await create({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file })).projectId).toBe(DEFAULT_PROJECT_ID);
  expect(lookups()).toBe(0);
  const home = mkdtempSync(join(dir, "home-"));
  mkdirSync(join(home, ".huaweicloud"));
  writeFileSync(join(home, ".huaweicloud", "credentials"), `[basic]\nak = ${accessKey}\nsk = ${secretKey}\n`);
  forgetIssuedCredentials();
  await expect(create({ HOME: home })).resolves.toMatchObject({ projectId: DEFAULT_PROJECT_ID });
  writeFileSync(join(home, ".huaweicloud", "credentials"), `[basic]\nak = ${accessKey}\nsk = wrong-${secretKey}\n`);
  forgetIssuedCredentials();
  await expect(create({ HOME: home })).rejects.toThrow(/401|403|signature/i);
});

test("HUAWEICLOUD_SDK_IDP_ID + HUAWEICLOUD_SDK_ID_TOKEN_FILE are exchanged at IAM (control: a token of another audience is refused)", async () => {
  const tokenFile = join(dir, "id-token");
  writeFileSync(tokenFile, idToken());
  const before = emulator.idTokenExchangeCount();
  await create({ HUAWEICLOUD_SDK_IDP_ID: idp.provider.id, HUAWEICLOUD_SDK_ID_TOKEN_FILE: tokenFile });
  expect(emulator.idTokenExchangeCount() - before).toBe(1);
  writeFileSync(tokenFile, idToken({ audience: "someone-else" }));
  forgetIssuedCredentials();
  await expect(create({ HUAWEICLOUD_SDK_IDP_ID: idp.provider.id, HUAWEICLOUD_SDK_ID_TOKEN_FILE: tokenFile })).rejects.toThrow(/IAM refused the ID token/);
});

test("half of an SDK source fails naming what is missing, and no value (control: the whole pair mints)", async () => {
  await expect(create({ HUAWEICLOUD_SDK_AK: accessKey })).rejects.toThrow(`HUAWEICLOUD_SDK_AK is set but not HUAWEICLOUD_SDK_SK: set both, or unset it`);
  await expect(create({ HUAWEICLOUD_SDK_IDP_ID: "x" })).rejects.toThrow(/HUAWEICLOUD_SDK_IDP_ID is set but not HUAWEICLOUD_SDK_ID_TOKEN_FILE/);
  await expect(create({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: join(dir, "missing.ini") })).rejects.toThrow(/the SDK credentials file .*missing\.ini \(named by HUAWEICLOUD_SDK_CREDENTIALS_FILE\) cannot be read \(ENOENT\)/);
  const error = await create({ HUAWEICLOUD_SDK_SK: secretKey }).catch((e: Error) => e);
  expect(String(error)).not.toContain(secretKey);
  await expect(create({ HUAWEICLOUD_SDK_AK: accessKey, HUAWEICLOUD_SDK_SK: secretKey })).resolves.toBeDefined();
});

test("no output or error of this file holds the secret key or an ID token (control: a planted one is found)", () => {
  const leaks = (texts: string[]) => [secretKey, ...idTokens].filter((secret) => texts.some((text) => text.includes(secret)));
  expect(seen.length).toBeGreaterThan(5);
  expect(idTokens).toHaveLength(2);
  expect(leaks(seen)).toEqual([]);
  expect(leaks([...seen, `oops ${idTokens[1]}`])).toEqual([idTokens[1]]);
});
