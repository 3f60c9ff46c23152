/**
 * KooCLI profiles (issue 14, item 2) through the provider's operations against the emulator: a
 * named profile's keys sign (over keys left in the environment, with the one warning), SSO
 * profiles sign with ssoAuth.stsToken, the profile's region, project and agency apply; hostile
 * files (missing, no such profile, malformed, huge, encrypted, SSO without a token) are refused
 * by check naming the path and profile, echoing no value, and nothing is minted.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { MAX_SHARED_CONFIG_BYTES } from "../../src/credentials/koocli-profile-file";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

const TEMPORARY: EmulatorCredential = {
  accessKey: "TMPKOOCLISSO00000001",
  secretKey: "koocli-sso-secret-key-000000000000000001",
  securityToken: "koocli-sso-security-token-0001",
};

let emulator: Emulator;
let home: string;
let fixed: EmulatorCredential;

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: "KOOCLIFIXEDKEY000001", secretKey: "koocli-fixed-secret-key-0000000000000001" }, TEMPORARY], agencies: [{ name: "ops", domainName: "acme" }] });
  fixed = emulator.credentials[0]!;
  home = mkdtempSync(join(tmpdir(), "koocli-"));
  mkdirSync(join(home, ".hcloud"));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(home, { recursive: true, force: true });
});
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
});

const DEFAULT_FILE = () => join(home, ".hcloud", "config.json");

function writeConfig(content: unknown, path = DEFAULT_FILE()): string {
  writeFileSync(path, typeof content === "string" || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return path;
}

const akskProfile = (name: string, extra: Record<string, unknown> = {}) => ({ name, mode: "AKSK", accessKeyId: fixed.accessKey, secretAccessKey: fixed.secretKey, ...extra });

async function operationsWith(env: Record<string, string>, config: Record<string, string> = {}) {
  const warnings: string[] = [];
  const operations = createOperations({ env: { HOME: home, HW_AUTH_URL: emulator.authUrl, ...env }, warn: (m) => void warnings.push(m) });
  await operations.configure({ config: stackConfig(config) });
  return { operations, warnings };
}

async function check(operations: ReturnType<typeof createOperations>, news: Record<string, unknown> = {}) {
  return operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, ...news });
}

async function create(operations: ReturnType<typeof createOperations>, news: Record<string, unknown> = {}) {
  const checked = await check(operations, news);
  expect(checked.failures).toEqual([]);
  return operations.create(checked.inputs as CheckedInputs);
}

test("HW_PROFILE's keys sign, over keys left in the environment, and the warning names the profile (control: without HW_PROFILE the env keys are used)", async () => {
  writeConfig({ current: "other", profiles: [akskProfile("dev"), { name: "other", mode: "AKSK", accessKeyId: "OTHERKEY000000000000", secretAccessKey: "x" }] });
  const stale = { HW_ACCESS_KEY: fixed.accessKey, HW_SECRET_KEY: "a-stale-secret-left-in-the-environment" };
  const { operations, warnings } = await operationsWith({ ...stale, HW_PROFILE: "dev" });
  await create(operations);
  expect(emulator.requests.map((r) => `${r.status} ${r.auth}`)).toEqual(["200 aksk"]);
  expect(warnings).toEqual([expect.stringContaining(`using an access key pair (profile "dev" in ${DEFAULT_FILE()}) and ignoring an access key pair (HW_ACCESS_KEY + HW_SECRET_KEY)`)]);
  expect(warnings.join("\n")).not.toContain(fixed.secretKey);

  const control = await operationsWith(stale);
  await expect(create(control.operations)).rejects.toMatchObject({ status: 401 });
});

test("HW_SHARED_CONFIG_FILE alone reads the file's current profile; huaweicloud:profile beats HW_PROFILE", async () => {
  const path = writeConfig({ current: "dev", profiles: [akskProfile("dev"), akskProfile("broken", { secretAccessKey: "wrong" })] }, join(home, "elsewhere.json"));
  await create((await operationsWith({ HW_SHARED_CONFIG_FILE: path })).operations);
  await create((await operationsWith({ HW_SHARED_CONFIG_FILE: path, HW_PROFILE: "broken" }, { "huaweicloud:profile": "dev" })).operations);
  expect(emulator.requests.map((r) => r.status)).toEqual([200, 200]);
  // Control: the broken profile does fail.
  await expect(create((await operationsWith({ HW_SHARED_CONFIG_FILE: path, HW_PROFILE: "broken" })).operations)).rejects.toMatchObject({ status: 401 });
});

test("an SSO profile signs with ssoAuth.stsToken's temporary keys and security token", async () => {
  const { accessKey, secretKey, securityToken } = TEMPORARY;
  writeConfig({ current: "sso", profiles: [{ name: "sso", mode: "SSO", ssoAuth: { stsToken: { accessKeyId: accessKey, secretAccessKey: secretKey, securityToken } } }] });
  await create((await operationsWith({ HW_PROFILE: "current" })).operations);
  expect(emulator.requests.map((r) => `${r.status} ${r.auth}`)).toEqual(["200 aksk"]);
});

test("the profile's region and project id apply when nothing else sets them, and its agency is assumed", async () => {
  writeConfig({ profiles: [akskProfile("dev", { region: DEFAULT_PROJECT_NAME, projectId: DEFAULT_PROJECT_ID, agencyName: "ops", agencyDomainName: "acme" })] });
  const { operations } = await operationsWith({ HW_PROFILE: "dev" });
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
  expect(checked.failures).toEqual([]);
  expect(checked.inputs).toMatchObject({ projectId: DEFAULT_PROJECT_ID });
  await operations.create(checked.inputs as CheckedInputs);
  expect(emulator.requests.map((r) => `${r.method} ${r.path.startsWith("/v3") ? r.path : "cce"} ${r.status} ${r.auth}`)).toEqual([
    "POST /v3.0/OS-CREDENTIAL/securitytokens 201 aksk",
    "POST cce 200 aksk",
  ]);
});

describe("hostile and broken files are refused by check, naming the path and profile, echoing no value, minting nothing", () => {
  async function refused(env: Record<string, string>): Promise<string> {
    const minted = emulator.mintCount();
    const { operations } = await operationsWith(env);
    const failures = (await check(operations)).failures ?? [];
    expect(failures).toHaveLength(1);
    expect(failures[0]!.property).toBe("huaweicloud:profile");
    // create does not run on a failed check; the provider's credentials refuse it too.
    await expect(operations.create((await check(operations)).inputs as CheckedInputs)).rejects.toMatchObject({ code: "CCE_SHARED_CONFIG_INVALID" });
    expect(emulator.mintCount()).toBe(minted);
    expect(failures[0]!.reason).not.toContain(fixed.secretKey);
    return failures[0]!.reason;
  }

  test("a file that is not there", async () => {
    const path = join(home, "missing.json");
    expect(await refused({ HW_SHARED_CONFIG_FILE: path, HW_PROFILE: "dev" })).toBe(
      `the shared config file ${path} (named by HW_SHARED_CONFIG_FILE and HW_PROFILE) does not exist: create it with hcloud configure, or unset HW_SHARED_CONFIG_FILE and HW_PROFILE`,
    );
  });

  test("a profile that is not there", async () => {
    writeConfig({ current: "dev", profiles: [akskProfile("dev"), akskProfile("prod")] });
    expect(await refused({ HW_PROFILE: "staging" })).toBe(`profile "staging" is not in the shared config file ${DEFAULT_FILE()} (named by HW_PROFILE); it has "dev", "prod"`);
  });

  test("malformed JSON holding a key", async () => {
    writeConfig(`{"profiles": [{"name": "dev", "secretAccessKey": "${fixed.secretKey}" ,,]}`);
    expect(await refused({ HW_PROFILE: "dev" })).toBe(`the shared config file ${DEFAULT_FILE()} (named by HW_PROFILE) is not valid JSON`);
  });

  test("a huge file", async () => {
    writeConfig(Buffer.alloc(MAX_SHARED_CONFIG_BYTES * 2, " "));
    expect(await refused({ HW_PROFILE: "dev" })).toContain(`is larger than ${MAX_SHARED_CONFIG_BYTES} bytes`);
  });

  test("not a KooCLI file (JSON without profiles)", async () => {
    writeConfig([1, 2, 3]);
    expect(await refused({ HW_PROFILE: "dev" })).toContain(`has no "profiles" list`);
  });

  test("encrypted credentials (KooCLI's default), with the command that fixes it", async () => {
    const ciphertext = "T2x7d3+9kQ1vZq0aB8c4e5f6g7h8i9j0kLmNoPqRsTuV==";
    writeConfig({ profiles: [{ name: "dev", mode: "AKSK", accessKeyId: ciphertext, secretAccessKey: `${ciphertext}x` }] });
    const reason = await refused({ HW_PROFILE: "dev" });
    expect(reason).toBe(
      `profile "dev" in the shared config file ${DEFAULT_FILE()} (named by HW_PROFILE) holds encrypted credentials, which only KooCLI can read: ` +
        "run hcloud configure set --cli-auth-encrypt=false and configure the profile again",
    );
    expect(reason).not.toContain(ciphertext);
  });

  test("an SSO profile without ssoAuth.stsToken", async () => {
    writeConfig({ profiles: [{ name: "sso", mode: "SSO", ssoAuth: {} }] });
    expect(await refused({ HW_PROFILE: "sso" })).toContain(`profile "sso" in the shared config file ${DEFAULT_FILE()} (named by HW_PROFILE) is in SSO mode but has no ssoAuth.stsToken`);
  });

  test("control: the same file with plain keys passes", async () => {
    writeConfig({ profiles: [akskProfile("dev")] });
    const { operations } = await operationsWith({ HW_PROFILE: "dev" });
    expect((await check(operations)).failures).toEqual([]);
  });
});
