/**
 * The project id from the region (issue 14, item 1), through the provider's operations against
 * the emulator's IAM: `GET /v3/projects?name=` signed with the credentials in use, or the project
 * of a password sign-in scoped by name; once per process per credentials and name; zero and two
 * matches refused with the region, IAM's trace id and the setting to use instead; a set project
 * id costs no IAM call; diff keeps a stored certificate's project.
 */
import type { Emulator } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { ProjectLookupError } from "../../src/errors";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import type { CertificateOutputs } from "../../src/provider/outputs";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

const PASSWORD = "Lookup-Password-0001";
const SUB_PROJECT_ID = "5ab0c1d2e3f4a5b6c7d8e9f0a1b2c3d4";
const SUB_CLUSTER_ID = "3e0c6a1b-2d4f-4a8b-9c1e-5f7a9b1c3d5e";
const TWIN_PROJECT_ID = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

let emulator: Emulator;
let keys: Record<string, string>;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: [{ name: "deployer", password: PASSWORD, domainName: "acme" }] });
  emulator.nameProject(SUB_PROJECT_ID, `${DEFAULT_PROJECT_NAME}_dev`);
  await emulator.addCluster(SUB_PROJECT_ID, { id: SUB_CLUSTER_ID });
  const { accessKey, secretKey } = emulator.credentials[0]!;
  keys = { HW_ACCESS_KEY: accessKey, HW_SECRET_KEY: secretKey, HW_AUTH_URL: emulator.authUrl, HW_REGION_NAME: DEFAULT_PROJECT_NAME };
});
afterAll(() => emulator.stop());
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
  emulator.clearFaults();
});

const lookups = () => emulator.requests.filter((r) => r.path === "/v3/projects");
const iamCalls = () => emulator.requests.filter((r) => r.path.startsWith("/v3"));

async function operationsWith(env: Record<string, string>, config: Record<string, string> = {}) {
  const operations = createOperations({ env, warn: () => undefined, client: { sleep: async () => undefined } });
  await operations.configure({ config: stackConfig(config) });
  return operations;
}

async function checked(operations: ReturnType<typeof createOperations>, news: Record<string, unknown> = {}): Promise<CheckedInputs> {
  const result = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...news });
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedInputs;
}

async function create(operations: ReturnType<typeof createOperations>, news: Record<string, unknown> = {}) {
  return operations.create(await checked(operations, news));
}

test("with no project id, check leaves it to create, which looks it up by the region with the keys in use and stores it", async () => {
  const operations = await operationsWith(keys);
  const inputs = await checked(operations);
  expect(inputs.projectId).toBeUndefined();
  expect(inputs.projectName).toBe(DEFAULT_PROJECT_NAME);
  const created = await operations.create(inputs);
  expect(created.outs.projectId).toBe(DEFAULT_PROJECT_ID);
  expect(emulator.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`)).toEqual([
    "GET /v3/projects 200 aksk",
    `POST /api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}/clustercert 200 aksk`,
  ]);
});

test("a set project id costs no IAM call (control: the same stack without it makes one)", async () => {
  const operations = await operationsWith({ ...keys, HW_PROJECT_ID: DEFAULT_PROJECT_ID });
  await create(operations);
  expect(iamCalls()).toEqual([]);
  expect(emulator.mintCount()).toBeGreaterThan(0);

  await create(await operationsWith(keys));
  expect(lookups()).toHaveLength(1);
});

test("concurrent creates share one lookup, and later ones in the process make none", async () => {
  const operations = await operationsWith(keys);
  const created = await Promise.all([create(operations), create(operations), create(operations)]);
  expect(created.map((c) => c.outs.projectId)).toEqual([DEFAULT_PROJECT_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_ID]);
  await create(operations);
  expect(lookups()).toHaveLength(1);
});

test("an IAM token looks the project up with X-Auth-Token", async () => {
  const { HW_ACCESS_KEY: _a, HW_SECRET_KEY: _s, ...rest } = keys;
  const created = await create(await operationsWith({ ...rest, HW_AUTH_TOKEN: emulator.tokens[0]! }));
  expect(created.outs.projectId).toBe(DEFAULT_PROJECT_ID);
  expect(lookups().map((r) => `${r.status} ${r.auth}`)).toEqual(["200 token"]);
});

test("a password sign-in is scoped by the region's name and its token names the project: no lookup call", async () => {
  const operations = await operationsWith({ HW_AUTH_URL: emulator.authUrl, HW_REGION_NAME: DEFAULT_PROJECT_NAME }, {
    "huaweicloud:userName": "deployer",
    "huaweicloud:password": PASSWORD,
    "huaweicloud:domainName": "acme",
  });
  const created = await create(operations);
  await operations.read(created.id, created.outs);
  expect(created.outs.projectId).toBe(DEFAULT_PROJECT_ID);
  expect(emulator.requests.map((r) => `${r.method} ${r.status} ${r.auth}`)).toEqual(["POST 201 password", "POST 200 token", "GET 200 token"]);
});

test("HW_PROJECT_NAME reaches a sub-project, and huaweicloud:projectName beats it", async () => {
  const viaEnv = await create(await operationsWith({ ...keys, HW_PROJECT_NAME: `${DEFAULT_PROJECT_NAME}_dev` }), { clusterId: SUB_CLUSTER_ID });
  expect(viaEnv.outs.projectId).toBe(SUB_PROJECT_ID);
  forgetIssuedCredentials();
  const operations = await operationsWith({ ...keys, HW_PROJECT_NAME: "nowhere" }, { "huaweicloud:projectName": DEFAULT_PROJECT_NAME });
  expect((await checked(operations)).projectName).toBe(DEFAULT_PROJECT_NAME);
});

describe("zero or several matches are refused, naming the region, IAM's trace id and the setting to use instead", () => {
  test("zero", async () => {
    const operations = await operationsWith({ ...keys, HW_REGION_NAME: "ap-southeast-3" });
    const minted = emulator.mintCount();
    const error = await create(operations).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProjectLookupError);
    expect(error).toMatchObject({ code: "CCE_PROJECT_NOT_FOUND", projectName: "ap-southeast-3", projectIds: [] });
    expect((error as Error).message).toMatch(
      /^no IAM project is named "ap-southeast-3" for these credentials \(IAM trace id trace-[0-9a-f]{32}\): check the region, or set the project id \(huaweicloud:projectId \/ HW_PROJECT_ID\), or the project name for a sub-project \(huaweicloud:projectName \/ HW_PROJECT_NAME\) \(nothing was minted\)$/,
    );
    expect(emulator.mintCount()).toBe(minted);
  });

  test("two (control: with one of them only, the lookup passes and CCE answers for that project)", async () => {
    const region = "ap-southeast-2";
    emulator.nameProject(SUB_PROJECT_ID.replace(/^5/, "6"), region);
    // The control: one match is used (that project has no cluster, so CCE's 404 follows the lookup).
    await expect(create(await operationsWith({ ...keys, HW_REGION_NAME: region }))).rejects.toMatchObject({ code: "CCE_API_ERROR", status: 404 });
    forgetIssuedCredentials();
    emulator.nameProject(TWIN_PROJECT_ID, region);
    const minted = emulator.mintCount();
    const error = await create(await operationsWith({ ...keys, HW_REGION_NAME: region })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CCE_PROJECT_AMBIGUOUS", projectIds: [SUB_PROJECT_ID.replace(/^5/, "6"), TWIN_PROJECT_ID] });
    expect((error as Error).message).toContain(`IAM lists 2 projects named "${region}" (${SUB_PROJECT_ID.replace(/^5/, "6")}, ${TWIN_PROJECT_ID}; IAM trace id trace-`);
    expect(emulator.mintCount()).toBe(minted);
  });
});

test("a failed lookup is not kept: IAM's 401 names the call, and the next create looks up again", async () => {
  const operations = await operationsWith(keys);
  emulator.injectFault({ path: "/v3/projects", status: 401, body: { error: { code: 401, message: "The request you have made requires authentication.", title: "Unauthorized" } } });
  await expect(create(operations)).rejects.toThrow(/^IAM GET \/v3\/projects .*401/);
  const created = await create(operations);
  expect(created.outs.projectId).toBe(DEFAULT_PROJECT_ID);
  expect(lookups().map((r) => r.status)).toEqual([401, 200]);
});

test("a 500 from the lookup is retried like any IAM call", async () => {
  emulator.injectFault({ path: "/v3/projects", status: 500 });
  const created = await create(await operationsWith(keys));
  expect(created.outs.projectId).toBe(DEFAULT_PROJECT_ID);
  expect(lookups().map((r) => r.status)).toEqual([500, 200]);
});

describe("diff and update keep the project a stored certificate was minted in", () => {
  /** What create stored for a looked-up project: the checked inputs and the id. */
  const stored = (inputs: CheckedInputs, overrides: Partial<CertificateOutputs>) =>
    ({ ...inputs, projectId: DEFAULT_PROJECT_ID, projectName: DEFAULT_PROJECT_NAME, ...overrides }) as CertificateOutputs;

  test.each([
    ["the same settings (no id set)", {}, { projectName: DEFAULT_PROJECT_NAME }, []],
    ["the looked-up id now set explicitly", {}, { projectId: DEFAULT_PROJECT_ID }, []],
    ["another id set", {}, { projectId: SUB_PROJECT_ID }, ["projectId"]],
    ["another project name", {}, { projectName: `${DEFAULT_PROJECT_NAME}_dev` }, ["projectName"]],
    ["a set id no longer set", { projectName: undefined }, { projectName: DEFAULT_PROJECT_NAME }, []],
  ])("%s", async (_name, old: Partial<CertificateOutputs>, project, replaces) => {
    const operations = await operationsWith(keys);
    const inputs = await checked(operations);
    const news = { ...inputs, projectName: undefined, ...project } as CheckedInputs;
    const diff = await operations.diff("id", stored(inputs, old), news);
    expect(diff.replaces).toEqual(replaces);
  });

  test("update re-renders with the stored, looked-up project id", async () => {
    const operations = await operationsWith(keys);
    const created = await create(operations);
    const updated = await operations.update(created.id, created.outs, { ...(await checked(operations)), context: "internal" });
    expect(updated.outs).toMatchObject({ projectId: DEFAULT_PROJECT_ID, projectName: DEFAULT_PROJECT_NAME });
  });
});
