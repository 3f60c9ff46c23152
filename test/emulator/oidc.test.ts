/**
 * OIDC federation (issue 14, item 5) through the provider's operations against the emulator's IAM
 * over HTTP: the ID token a CI runner writes to a file is exchanged for a federated token scoped to
 * the project, then temporary keys that sign the CCE call (and assume an agency when one is named);
 * the file is read again at each exchange; refused, missing and malformed tokens fail naming the
 * file, the setting or IAM's answer, never a token or key, and mint nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { CceApiError, CredentialsError } from "../../src/errors";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import { HOUR_MS } from "../../src/constants";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, startTestEmulator } from "../helpers/emulator";
import { testIdentityProvider } from "../helpers/id-token";
import { stackConfig } from "../helpers/stack-config";

const idp = testIdentityProvider();
let now = new Date("2026-12-02T08:00:00Z");
const clock = () => now;
let emulator: Emulator;
let dir: string;
let tokenFile: string;
/** Every message and output of the file, scanned for tokens and keys at the end. */
const seen: string[] = [];
const idTokens: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ now: clock, identityProviders: [idp.provider], agencies: [{ name: "cce-deployer", domainName: "acme" }] });
  dir = mkdtempSync(join(tmpdir(), "oidc-"));
  tokenFile = join(dir, "id-token");
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
  emulator.clearFaults();
  writeToken(idp.idToken({ now }));
});

function writeToken(token: string): void {
  idTokens.push(token);
  writeFileSync(tokenFile, `${token}\n`);
}

function operationsWith(env: Record<string, string> = {}) {
  const operations = createOperations({
    env: { HW_ECS_METADATA_URL: "http://127.0.0.1:9", HW_AUTH_URL: emulator.authUrl, HW_ASSUME_ROLE_IDP_ID: idp.provider.id, HW_ASSUME_ROLE_ID_TOKEN_FILE: tokenFile, HW_MAX_RETRIES: "2", ...env },
    clock,
    client: { sleep: async () => undefined },
  });
  void operations.configure({ config: stackConfig({}) });
  return operations;
}

/** A create with no project id: the region's project comes from the scoped federated token (or a lookup). */
async function create(operations: ReturnType<typeof createOperations>, inputs: Record<string, unknown> = {}) {
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, region: DEFAULT_PROJECT_NAME, ...inputs });
  expect(checked.failures).toEqual([]);
  const created = await operations.create(checked.inputs as CheckedInputs);
  seen.push(JSON.stringify(created));
  return created;
}

const log = () => emulator.requests.map((r) => `${r.method} ${r.path.startsWith("/api") ? "cce" : r.path} ${r.status}`);
const EXCHANGE = "POST /v3.0/OS-AUTH/id-token/tokens";
const KEYS = "POST /v3.0/OS-CREDENTIAL/securitytokens";

test("keyless: the ID token is exchanged for a federated token scoped to the region's project, then temporary keys that sign the mint; no project lookup", async () => {
  const created = await create(operationsWith());
  expect(log()).toEqual([`${EXCHANGE} 201`, `${KEYS} 201`, "POST cce 200"]);
  expect(emulator.requests.at(-1)!.auth).toBe("aksk");
  expect(created.outs).toMatchObject({ projectId: DEFAULT_PROJECT_ID });
  expect(emulator.idTokenExchangeCount()).toBe(1);
});

test("a second certificate in the same process reuses the keys: no second exchange", async () => {
  const operations = operationsWith();
  await create(operations);
  await create(operations);
  expect(log().filter((l) => l.startsWith(EXCHANGE) || l.startsWith(KEYS))).toHaveLength(2);
  expect(log().filter((l) => l.endsWith("cce 200"))).toHaveLength(2);
});

test("the file is read again at each exchange: once the keys expire, the runner's new token is exchanged (control: the old token, expired by then, is refused)", async () => {
  const operations = operationsWith();
  await create(operations);
  now = new Date(now.getTime() + 2 * HOUR_MS);
  const stale = await create(operations).catch((e: unknown) => e);
  expect(stale).toBeInstanceOf(CceApiError);
  expect((stale as CceApiError).status).toBe(401);
  expect((stale as Error).message).toMatch(/IAM POST \/v3\.0\/OS-AUTH\/id-token\/tokens .*has expired.*check that it has not expired, that its issuer and audience are those of identity provider "github-actions"/);
  seen.push((stale as Error).message);
  writeToken(idp.idToken({ now }));
  await create(operations);
  expect(log().filter((l) => l.startsWith(EXCHANGE))).toEqual([`${EXCHANGE} 201`, `${EXCHANGE} 401`, `${EXCHANGE} 201`]);
});

test("with an agency named, the federated keys assume it and the agency's keys sign the mint (the project then comes from a lookup in the agency's account)", async () => {
  const minted = emulator.mintCount();
  await create(operationsWith({ HW_ASSUME_ROLE_AGENCY_NAME: "cce-deployer", HW_ASSUME_ROLE_DOMAIN_NAME: "acme" }));
  expect(log()).toEqual([`${EXCHANGE} 201`, `${KEYS} 201`, `${KEYS} 201`, "GET /v3/projects 200", "POST cce 200"]);
  expect(emulator.mintCount()).toBe(minted + 1);
  // The certificate is the agency's, not the federated user's.
  expect(emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!.subject).not.toContain(idp.provider.userId ?? "none");
});

test("keys IAM revoked between two creates are exchanged again once, and the second create mints one certificate", async () => {
  const operations = operationsWith();
  const minted = emulator.mintCount();
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID });
  await operations.create(checked.inputs as CheckedInputs);
  emulator.expireTokens(0);
  await operations.create(checked.inputs as CheckedInputs);
  expect(log()).toEqual([`${EXCHANGE} 201`, `${KEYS} 201`, "POST cce 200", "POST cce 401", `${EXCHANGE} 201`, `${KEYS} 201`, "POST cce 200"]);
  expect(emulator.mintCount()).toBe(minted + 2);
});

test("IAM answering 500 to the exchange is retried, and the run goes on", async () => {
  emulator.injectFault({ path: "/OS-AUTH/id-token/tokens", status: 500, times: 2 });
  await create(operationsWith());
  expect(log().filter((l) => l.startsWith(EXCHANGE))).toEqual([`${EXCHANGE} 500`, `${EXCHANGE} 500`, `${EXCHANGE} 201`]);
});

describe("refusals name the cause, never a token, and mint nothing", () => {
  async function refusal(operations: ReturnType<typeof createOperations>): Promise<Error> {
    const minted = emulator.mintCount();
    const error = (await create(operations).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(emulator.mintCount()).toBe(minted);
    seen.push(error.message);
    return error;
  }

  test.each<[string, () => void, RegExp]>([
    ["an empty file", () => writeFileSync(tokenFile, "\n"), /the ID token file .*id-token \(HW_ASSUME_ROLE_ID_TOKEN_FILE\) is empty: write the CI's OIDC token there/],
    ["a missing file", () => rmSync(tokenFile), /the ID token file .*id-token \(HW_ASSUME_ROLE_ID_TOKEN_FILE\) cannot be read \(ENOENT\)/],
    // A folder where the file should be: unreadable even for root (whom a mode of 000 does not stop).
    ["an unreadable file", () => (rmSync(tokenFile), mkdirSync(tokenFile)), /the ID token file .*id-token \(HW_ASSUME_ROLE_ID_TOKEN_FILE\) cannot be read \(EISDIR\)/],
    ["a huge file", () => writeFileSync(tokenFile, "x".repeat(200_000)), /is larger than 65536 bytes/],
    ["a file that holds no JWT", () => writeFileSync(tokenFile, "not-a-token"), /does not hold a JWT/],
  ])("%s: a CredentialsError before any request", async (_name, spoil, message) => {
    spoil();
    try {
      const error = await refusal(operationsWith());
      expect(error).toBeInstanceOf(CredentialsError);
      expect(error.message).toMatch(message);
      expect(emulator.requests).toEqual([]);
    } finally {
      rmSync(tokenFile, { recursive: true, force: true });
      writeToken(idp.idToken({ now }));
    }
  });

  test("a token for another audience: IAM's 401, with what to check, and the exchange not retried", async () => {
    writeToken(idp.idToken({ now, audience: "someone-else" }));
    const error = await refusal(operationsWith());
    expect(error).toBeInstanceOf(CceApiError);
    expect(error.message).toMatch(/HTTP 401.*audience/);
    expect(log()).toEqual([`${EXCHANGE} 401`]);
  });

  test("an identity provider IAM does not know: 404, naming the provider id to check", async () => {
    const error = await refusal(operationsWith({ HW_ASSUME_ROLE_IDP_ID: "gitlab" }));
    expect(error.message).toMatch(/HTTP 404.*check the identity provider id \("gitlab"\)/);
  });

  test("control: the same setup with the right token and provider mints", async () => {
    await expect(create(operationsWith())).resolves.toMatchObject({ outs: { projectId: DEFAULT_PROJECT_ID } });
  });
});

test("no ID token, federated token or temporary key is in any output or message of this file (control: a planted one is found)", () => {
  const issued = emulator.issuedCredentials();
  const secrets = [...idTokens, ...issued.tokens, ...issued.credentials.flatMap((c) => [c.secretKey, c.securityToken ?? ""])].filter((s) => s.length > 16);
  expect(secrets.length).toBeGreaterThan(10);
  const text = seen.join("\n");
  expect(seen.length).toBeGreaterThan(8);
  expect(secrets.filter((s) => text.includes(s))).toEqual([]);
  expect(secrets.filter((s) => `${text}${secrets[0]}`.includes(s))).toHaveLength(1);
});
