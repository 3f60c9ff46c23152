/**
 * ECS instance metadata (issue 14, item 3) through the provider's operations against the
 * emulator's metadata service on loopback (HW_ECS_METADATA_URL; tests never reach
 * 169.254.169.254): with nothing else configured, the instance's temporary keys sign, with the
 * token step and without it; they are fetched again shortly before expires_at and after CCE
 * refuses them; a run off ECS, faults and bad answers fail with a CredentialsError that lists
 * what was looked for and the reason, never a key, and mint nothing.
 */
import { createServer, type AddressInfo } from "node:net";
import type { Emulator } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { CredentialsError } from "../../src/errors";
import { HOUR_MS, MINUTE_MS } from "../../src/constants";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

/** A loopback port nothing listens on: one the OS gave a server that then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let now = new Date("2031-01-10T08:00:00Z");
const clock = () => now;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ now: clock, instanceKeyLifetimeMs: HOUR_MS });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
  emulator.clearFaults();
});

async function operationsOn(metadataUrl: string, env: Record<string, string> = {}) {
  const operations = createOperations({ env: { HW_ECS_METADATA_URL: metadataUrl, HW_AUTH_URL: emulator.authUrl, ...env }, clock, client: { sleep: async () => undefined } });
  await operations.configure({ config: stackConfig({}) });
  return operations;
}

async function create(operations: ReturnType<typeof createOperations>, news: Record<string, unknown> = { projectId: DEFAULT_PROJECT_ID }) {
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...news });
  expect(checked.failures).toEqual([]);
  return operations.create(checked.inputs as CheckedInputs);
}

const log = () => emulator.requests.map((r) => `${r.method} ${r.path.startsWith("/api") ? "cce" : r.path} ${r.status}${r.path.startsWith("/api") || r.path.startsWith("/v3") ? ` ${r.auth}` : ""}`);

test("with nothing else configured, the instance's keys sign: token step, securitykey, then CCE; the project lookup uses them too", async () => {
  await create(await operationsOn(emulator.url, { HW_REGION_NAME: DEFAULT_PROJECT_NAME }), {});
  expect(log()).toEqual([
    "PUT /meta-data/latest/api/token 200",
    "GET /openstack/latest/securitykey 200",
    "GET /v3/projects 200 aksk",
    "POST cce 200 aksk",
  ]);
  expect(emulator.instanceKeyCount()).toBeGreaterThan(0);
});

test("an instance without the token step (PUT answers 404) is asked without a token", async () => {
  const old = await startTestEmulator({ now: clock, metadataTokenStep: "absent" });
  try {
    const operations = createOperations({ env: { HW_ECS_METADATA_URL: old.url }, clock });
    await operations.configure({ config: stackConfig({}) });
    const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: old.url, projectId: DEFAULT_PROJECT_ID });
    await operations.create(checked.inputs as CheckedInputs);
    expect(old.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["PUT 404", "GET 200", "POST 200"]);
  } finally {
    await old.stop();
  }
});

test("the keys are kept until 5 minutes before expires_at, then fetched again (the clock moves, nothing waits)", async () => {
  const start = now;
  try {
    const operations = await operationsOn(emulator.url);
    await create(operations);
    now = new Date(start.getTime() + 50 * MINUTE_MS);
    await create(operations);
    expect(emulator.requests.filter((r) => r.path.includes("securitykey"))).toHaveLength(1);
    now = new Date(start.getTime() + 56 * MINUTE_MS);
    await create(operations);
    expect(emulator.requests.filter((r) => r.path.includes("securitykey"))).toHaveLength(2);
  } finally {
    now = start;
  }
});

test("keys CCE refuses as expired are fetched again once, and the call succeeds", async () => {
  const operations = await operationsOn(emulator.url);
  await create(operations);
  emulator.clearRequests();
  emulator.expireTokens(0); // revokes every issued key pair, the instance's included
  await create(operations);
  expect(log()).toEqual(["POST cce 401 none", "PUT /meta-data/latest/api/token 200", "GET /openstack/latest/securitykey 200", "POST cce 200 aksk"]);
});

describe("no keys from the metadata service: a CredentialsError listing what was looked for and why, nothing minted", () => {
  const PLANTED = { access: "PLANTEDACCESSKEY0001", secret: "planted-secret-key-never-in-an-error-01", securitytoken: "planted-security-token-01" };
  const past = () => new Date(now.getTime() - MINUTE_MS).toISOString();

  async function refused(metadataUrl: string): Promise<string> {
    const minted = emulator.mintCount();
    const error = await create(await operationsOn(metadataUrl)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    const message = (error as Error).message;
    expect(message).toMatch(/^no CCE credentials found: .*HW_PROFILE.*HW_AUTH_TOKEN.*HUAWEICLOUD_SDK_CREDENTIALS_FILE.*HW_ECS_METADATA_URL/);
    for (const value of Object.values(PLANTED)) expect(message).not.toContain(value);
    expect(emulator.mintCount()).toBe(minted);
    return message;
  }

  test("off ECS (nothing listens)", async () => {
    const port = await closedPort();
    expect(await refused(`http://127.0.0.1:${port}`)).toContain(`the metadata service at http://127.0.0.1:${port} not reachable (ECONNREFUSED; not an ECS instance?)`);
  });

  test.each([401, 403, 500])("securitykey answers %i", async (status) => {
    emulator.injectFault({ path: "/openstack/latest/securitykey", status, body: PLANTED });
    expect(await refused(emulator.url)).toContain(`GET /openstack/latest/securitykey answered HTTP ${status}`);
  });

  test("no agency bound (404)", async () => {
    emulator.injectFault({ path: "/openstack/latest/securitykey", status: 404 });
    expect(await refused(emulator.url)).toContain("answered HTTP 404: bind an agency to the instance");
  });

  test("the token step fails with 500", async () => {
    emulator.injectFault({ path: "/meta-data/latest/api/token", status: 500 });
    expect(await refused(emulator.url)).toContain("the token step (PUT /meta-data/latest/api/token) answered HTTP 500");
  });

  test("an answer missing fields", async () => {
    emulator.injectFault({ path: "/openstack/latest/securitykey", status: 200, body: { credential: { access: PLANTED.access } } });
    expect(await refused(emulator.url)).toContain("the securitykey answer has no credential.secret, credential.securitytoken, credential.expires_at");
  });

  test("an answer expiring in the past", async () => {
    emulator.injectFault({ path: "/openstack/latest/securitykey", status: 200, body: { credential: { ...PLANTED, expires_at: past() } } });
    expect(await refused(emulator.url)).toContain(`the securitykey answer expired at ${past()}, before it was used`);
  });

  test("an answer that is not JSON", async () => {
    emulator.injectFault({ path: "/openstack/latest/securitykey", status: 200, body: `<html>${PLANTED.secret}</html>` });
    expect(await refused(emulator.url)).toContain("the securitykey answer is not JSON");
  });

  test("a slow answer (beyond the 3 s bound)", async () => {
    emulator.injectFault({ path: "/meta-data/latest/api/token", delayMs: 3_500 });
    expect(await refused(emulator.url)).toContain("no answer within 3000 ms (not an ECS instance?)");
  });

  test("control: the same service without a fault gives keys", async () => {
    await create(await operationsOn(emulator.url));
    expect(log().at(-1)).toBe("POST cce 200 aksk");
  });
});

test("with credentials configured, the metadata service is never asked", async () => {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  await create(await operationsOn(emulator.url, { HW_ACCESS_KEY: accessKey, HW_SECRET_KEY: secretKey, HW_REGION_NAME: DEFAULT_PROJECT_NAME }));
  expect(log()).toEqual(["POST cce 200 aksk"]);
});
