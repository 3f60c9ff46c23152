/**
 * Credentials in the provider's operations, in-process as the host calls them, against the
 * emulator: a stack with only a user name, password and account; the IAM URL, derived or refused
 * by name; a conflict between methods shown once, naming settings only; the password read only
 * when a call is made.
 */
import type { Emulator } from "../../src/emulator";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import { forgetIssuedCredentials } from "../../src/credentials";
import { resolveAuthUrl } from "../../src/config/endpoint";
import { warnUser } from "../../src/protocol";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

const PASSWORD = "Provider-Password-0001";
const NAMES = { authUrl: "huaweicloud:authUrl / HW_AUTH_URL", region: "huaweicloud:region / HW_REGION_NAME" };

let emulator: Emulator;
let base: Record<string, string>;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: [{ name: "deployer", password: PASSWORD, domainName: "acme" }] });
  base = {
    "huaweicloud:projectId": DEFAULT_PROJECT_ID,
    "huaweicloud:userName": "deployer",
    "huaweicloud:password": PASSWORD,
    "huaweicloud:domainName": "acme",
    "huaweicloud:authUrl": emulator.authUrl,
  };
});
afterAll(() => emulator.stop());
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
});

/** Operations configured with `config`, and the warnings they show. */
async function operationsWith(config: Record<string, string>, env: Record<string, string> = {}) {
  const warnings: string[] = [];
  const operations = createOperations({ env, warn: (m) => void warnings.push(m) });
  await operations.configure({ config: stackConfig(config) });
  return { operations, warnings };
}

async function create(operations: ReturnType<typeof createOperations>, news: Record<string, unknown> = {}) {
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...news });
  expect(checked.failures).toEqual([]);
  return operations.create(checked.inputs as CheckedInputs);
}

test("a stack with only a user name, password and account creates and refreshes a certificate, signing in once", async () => {
  const { operations, warnings } = await operationsWith(base);
  const created = await create(operations);
  await operations.read(created.id, created.outs);
  expect(emulator.requests.map((r) => `${r.method} ${r.status} ${r.auth}`)).toEqual(["POST 201 password", "POST 200 token", "GET 200 token"]);
  expect(warnings).toEqual([]);
  expect(JSON.stringify(created.outs)).not.toContain(PASSWORD);
});

test("the password is read only when a call is made, never by configure or check", async () => {
  const read: string[] = [];
  const operations = createOperations({ env: {} });
  await operations.configure({ config: { get: (key) => (read.push(key), base[key]) } });
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
  expect(read).toContain("huaweicloud:authUrl"); // control: the recorder sees reads
  expect(read).not.toContain("huaweicloud:password");
  await operations.create(checked.inputs as CheckedInputs);
  expect(read).toContain("huaweicloud:password");
});

describe("two complete methods", () => {
  test("the token is used and a warning names both, once per process", async () => {
    const { operations, warnings } = await operationsWith({ ...base, "huaweicloud:token": emulator.tokens[0]! });
    await create(operations);
    await create(operations);
    expect(emulator.requests.map((r) => `${r.status} ${r.auth}`)).toEqual(["200 token", "200 token"]); // no sign-in
    expect(warnings).toEqual([
      "pulumi-cce-kubeconfig: more than one set of CCE credentials is configured; using an IAM token (huaweicloud:token) and ignoring " +
        "a password sign-in (huaweicloud:password + huaweicloud:userName). The order is: a KooCLI profile you name, then OIDC federation, then an IAM token, then an access key pair, " +
        "then a password sign-in, then the Huawei Cloud SDKs' OIDC variables, then the Huawei Cloud SDKs' access key variables, then the Huawei Cloud SDKs' credentials file, then CCE pod identity, then ECS instance metadata (the README's Credentials table); unset the ones you do not mean to use.",
    ]);
  });

  test("control: a key pair from env beside nothing else shows no warning", async () => {
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const { operations, warnings } = await operationsWith({ "huaweicloud:projectId": DEFAULT_PROJECT_ID }, { HW_ACCESS_KEY: accessKey, HW_SECRET_KEY: secretKey });
    await create(operations);
    expect(warnings).toEqual([]);
  });
});

describe("the IAM URL", () => {
  test.each<[string, Parameters<typeof resolveAuthUrl>[0], string]>([
    ["an explicit URL is used as given", { explicit: "https://iam.myhuaweicloud.com/v3/", region: "ap-southeast-1" }, "https://iam.myhuaweicloud.com/v3"],
    ["derived from region and cloud", { region: "ap-southeast-1", cloud: "otc.t-systems.com" }, "https://iam.ap-southeast-1.otc.t-systems.com/v3"],
    ["derived from region, with the default cloud", { region: "ap-southeast-1" }, "https://iam.ap-southeast-1.myhuaweicloud.com/v3"],
    ["Europe's own domain", { region: "eu-west-101" }, "https://iam.eu-west-101.myhuaweicloud.eu/v3"],
    ["the emulator over http on loopback", { explicit: "http://127.0.0.1:8080/v3" }, "http://127.0.0.1:8080/v3"],
  ])("%s", (_name, settings, expected) => {
    expect(resolveAuthUrl(settings, NAMES)).toEqual({ ok: true, value: expected });
  });

  test.each<[string, Parameters<typeof resolveAuthUrl>[0], RegExp]>([
    ["no URL and no region (an explicit endpoint)", {}, /^is not set, and there is no region to derive it from: .* Set huaweicloud:authUrl \/ HW_AUTH_URL .* or huaweicloud:region \/ HW_REGION_NAME$/],
    ["http: to a non-loopback host", { explicit: "http://iam.example.com/v3" }, /uses http: for a non-loopback host/],
    ["a URL without /v3", { explicit: "https://iam.example.com" }, /must be IAM's v3 URL, ending in \/v3/],
    ["credentials in the URL", { explicit: "https://user:pw@iam.example.com/v3" }, /must not carry credentials in the URL/],
    ["not a URL", { explicit: "iam.example.com/v3" }, /is not an absolute URL/],
  ])("refuses %s, naming authUrl", (_name, settings, reason) => {
    const result = resolveAuthUrl(settings, NAMES);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.failures).toHaveLength(1);
      expect(result.failures[0]!.property).toBe("authUrl");
      expect(result.failures[0]!.reason).toMatch(reason);
    }
  });

  test.each<[string, string]>([
    ["http: to a non-loopback host", "http://iam.example.com/v3"],
    ["a URL without /v3", "https://iam.example.com/"],
  ])("check refuses a configured authUrl with %s, naming authUrl and its settings, before any request", async (_name, authUrl) => {
    const { operations } = await operationsWith({ ...base, "huaweicloud:authUrl": authUrl });
    const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
    expect(checked.failures).toEqual([{ property: "authUrl", reason: expect.stringMatching(/^\(huaweicloud:authUrl \/ HW_AUTH_URL\) /) }]);
    expect(emulator.requests).toEqual([]);
  });

  test("with an explicit endpoint and no region or authUrl, the call fails naming authUrl, before any request", async () => {
    const { "huaweicloud:authUrl": _unused, ...withoutUrl } = base;
    const { operations } = await operationsWith(withoutUrl);
    await expect(create(operations)).rejects.toMatchObject({ name: "InvalidInputError", field: "authUrl" });
    expect(emulator.requests).toEqual([]);
  });

  test("control: an access key pair needs no IAM URL", async () => {
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const { operations } = await operationsWith({ "huaweicloud:projectId": DEFAULT_PROJECT_ID, "huaweicloud:accessKey": accessKey, "huaweicloud:secretKey": secretKey });
    await expect(create(operations)).resolves.toMatchObject({ id: expect.any(String) });
  });
});

describe("warnUser", () => {
  test("outside the dynamic-provider host, a warning goes to stderr with a warning: prefix", async () => {
    const spy = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await warnUser("hello from a test", ["node", "/some/jest"]);
      expect(spy.mock.calls).toEqual([["warning: hello from a test"]]);
    } finally {
      spy.mockRestore();
    }
  });

  test("in a host whose engine cannot be reached, it falls back to stderr", async () => {
    const spy = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await warnUser("engine gone", ["node", "/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js", "127.0.0.1:1"]);
      expect(spy.mock.calls).toEqual([["warning: engine gone"]]);
    } finally {
      spy.mockRestore();
    }
  });
});
