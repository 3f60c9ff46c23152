/**
 * Password sign-in and agencies end to end against the emulator's IAM: the client signs in (or
 * assumes an agency) when a call is made, reuses what IAM issued until shortly before it expires,
 * signs in again exactly once when CCE refuses a revoked token, and never puts a password, token
 * or temporary key in an error.
 */
import type { Emulator } from "../../src/emulator";
import { callContext, CceClient, type CceClientOptions } from "../../src/api/client";
import { credentialSource, forgetIssuedCredentials } from "../../src/credentials";
import { resolveAuthSettings } from "../../src/credentials";
import { CceApiError, isCceApiError } from "../../src/errors";
import { DAY_MS, HOUR_MS } from "../../src/constants";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { findLeaks } from "../helpers/leak-scan";
import { stackConfig } from "../helpers/stack-config";

const OTHER_PROJECT_ID = "1f2e3d4c5b6a79881f2e3d4c5b6a7988";
const PASSWORD = "Correct-Horse-Battery-1";
const OTHER_PASSWORD = "Another-Secret-Pass-2";
const USER = { "huaweicloud:userName": "deployer", "huaweicloud:password": PASSWORD, "huaweicloud:domainName": "acme" };
const AGENCY = { "huaweicloud:assumeRole": JSON.stringify({ agencyName: "cce-ops", domainName: "target-account" }) };

let emulator: Emulator;
/** Every error message and every credential, for the leak scan at the end. */
const messages: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({
    users: [
      { name: "deployer", password: PASSWORD, domainName: "acme", id: "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a" },
      { name: "second", password: OTHER_PASSWORD, domainName: "acme" },
      { name: "frozen", password: PASSWORD, domainName: "acme", locked: true },
    ],
    agencies: [{ name: "cce-ops", domainName: "target-account" }],
  });
  await emulator.addCluster(OTHER_PROJECT_ID, { id: "3c3c3c3c-0000-4000-8000-000000000003" });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearFaults();
  emulator.clearRequests();
});

interface ClientSetup {
  config?: Record<string, string>;
  env?: Record<string, string>;
  projectId?: string;
  clock?: () => Date;
}

/** A client whose credentials come from the settings chain, as the provider builds it. */
function clientWith({ config = USER, env = {}, projectId = DEFAULT_PROJECT_ID, clock }: ClientSetup = {}): CceClient {
  const options: Partial<CceClientOptions> = { retry: { baseDelayMs: 5, maxDelayMs: 10 }, ...(clock ? { clock } : {}) };
  const credentials = credentialSource(() => resolveAuthSettings(stackConfig(config), env), {
    project: { id: projectId },
    authUrl: () => emulator.authUrl,
    context: callContext(options),
  });
  return new CceClient({ ...options, endpoint: emulator.url, projectId, credentials });
}

async function failure(promise: Promise<unknown>): Promise<CceApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isCceApiError(error)) throw new Error(`expected a CceApiError, got ${String(error)}`);
  messages.push(error.message, JSON.stringify(error));
  return error;
}

const iamRequests = () => emulator.requests.filter((r) => r.path.startsWith("/v3"));
/** Sign-ins answered in this test (the emulator's signInCount counts the whole file). */
const signIns = () => emulator.requests.filter((r) => r.path === "/v3/auth/tokens" && r.status === 201).length;
const summary = () => emulator.requests.map((r) => `${r.method} ${r.path.replace(/\/projects\/.*\/clusters\/[^/]+/, "/…")} ${r.status} ${r.auth}`);

describe("password sign-in", () => {
  test("a user name, password and account sign in once; the token then signs every call of the process", async () => {
    const client = clientWith();
    await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    await client.getCluster(DEFAULT_CLUSTER_ID);
    await clientWith().getCluster(DEFAULT_CLUSTER_ID); // another client of the same identity
    expect(summary()).toEqual([
      "POST /v3/auth/tokens 201 password",
      "POST /api/v3/…/clustercert 200 token",
      "GET /api/v3/… 200 token",
      "GET /api/v3/… 200 token",
    ]);
    const issued = emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!;
    expect(issued.subject).toContain("0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a"); // the certificate is the IAM user's
  });

  test.each<[string, Record<string, string>]>([
    ["by user id (no account needed)", { "huaweicloud:userId": "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a", "huaweicloud:password": PASSWORD }],
    ["by user name and account id", { ...USER, "huaweicloud:domainName": "", "huaweicloud:domainId": "" }],
  ])("signs in %s", async (_name, config) => {
    if ("huaweicloud:domainId" in config) {
      // The emulator derives an account id from the account name when none is configured: read it from a sign-in.
      const domainId = await signedInDomainId();
      config = { ...config, "huaweicloud:domainId": domainId };
      forgetIssuedCredentials();
    }
    emulator.clearRequests();
    await clientWith({ config }).getCluster(DEFAULT_CLUSTER_ID);
    expect(summary()).toEqual(["POST /v3/auth/tokens 201 password", "GET /api/v3/… 200 token"]);
  });

  test("different users, and one user in different projects, never share a token", async () => {
    await clientWith().getCluster(DEFAULT_CLUSTER_ID);
    await clientWith({ config: { ...USER, "huaweicloud:userName": "second", "huaweicloud:password": OTHER_PASSWORD } }).getCluster(DEFAULT_CLUSTER_ID);
    await clientWith({ projectId: OTHER_PROJECT_ID }).getCluster("3c3c3c3c-0000-4000-8000-000000000003");
    await clientWith().getCluster(DEFAULT_CLUSTER_ID); // the first identity again: cached
    expect(iamRequests().map((r) => r.status)).toEqual([201, 201, 201]);
  });

  test("a token is reused until shortly before its expires_at, then the next call signs in again", async () => {
    let now = Date.now();
    const clock = () => new Date(now);
    await clientWith({ clock }).getCluster(DEFAULT_CLUSTER_ID);
    now += DAY_MS - HOUR_MS; // 23 h later: still well within the token's 24 h
    await clientWith({ clock }).getCluster(DEFAULT_CLUSTER_ID);
    expect(signIns()).toBe(1);
    now += 56 * 60_000; // 4 minutes before expiry: inside the 5-minute lead
    await clientWith({ clock }).getCluster(DEFAULT_CLUSTER_ID);
    expect(iamRequests()).toHaveLength(2);
  });

  test("a wrong password fails with IAM's 401 and a hint, naming the call, never the password", async () => {
    const error = await failure(clientWith({ config: { ...USER, "huaweicloud:password": "Wrong-Password-000" } }).getCluster(DEFAULT_CLUSTER_ID));
    expect(error).toMatchObject({ service: "IAM", status: 401, method: "POST", path: "/v3/auth/tokens", attempts: 1 });
    expect(error.message).toMatch(/^IAM POST \/v3\/auth\/tokens failed: HTTP 401: The username or password is wrong\. \(request id [0-9a-f]{32}\); check the user name, password and account \(domain\) name/);
    expect(error.message).not.toContain("Wrong-Password-000");
    expect(emulator.requests.filter((r) => r.path.startsWith("/api"))).toEqual([]); // CCE was never called
  });

  test("a locked account fails with IAM's own words", async () => {
    const error = await failure(clientWith({ config: { ...USER, "huaweicloud:userName": "frozen" } }).getCluster(DEFAULT_CLUSTER_ID));
    expect(error.message).toContain("HTTP 401: The account is locked.");
    expect(error.message).toContain("IAM locks an account for 15 minutes");
  });

  test("a failed sign-in is not cached: the next call tries again", async () => {
    emulator.injectFault({ method: "POST", path: "/v3/auth/tokens", status: 401, body: { error: { code: 401, message: "Unauthorized." } } });
    await failure(clientWith().getCluster(DEFAULT_CLUSTER_ID));
    await clientWith().getCluster(DEFAULT_CLUSTER_ID);
    expect(iamRequests().map((r) => r.status)).toEqual([401, 201]);
  });

  test("IAM's 503 is retried like CCE's", async () => {
    emulator.injectFault({ method: "POST", path: "/v3/auth/tokens", status: 503 });
    await clientWith().getCluster(DEFAULT_CLUSTER_ID);
    expect(iamRequests().map((r) => r.status)).toEqual([503, 201]);
  });
});

describe("the emulator's IAM on the wire", () => {
  const signIn = (user: Record<string, unknown>) =>
    fetch(`${emulator.authUrl}/auth/tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ auth: { identity: { methods: ["password"], password: { user } }, scope: { project: { id: DEFAULT_PROJECT_ID } } } }),
    });

  test("a sign-in answers 201, the token in X-Subject-Token and its expiry 24 hours ahead in the body", async () => {
    const res = await signIn({ name: "deployer", password: PASSWORD, domain: { name: "acme" } });
    const body = (await res.json()) as { token: { expires_at: string; issued_at: string } };
    expect(res.status).toBe(201);
    expect(res.headers.get("x-subject-token")).toMatch(/^MII[A-Za-z0-9_-]{100,}$/);
    expect(Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at)).toBe(DAY_MS);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["a wrong password", { name: "deployer", password: "nope-nope", domain: { name: "acme" } }, "The username or password is wrong."],
    ["an unknown user (answered alike: names cannot be probed)", { name: "ghost", password: PASSWORD, domain: { name: "acme" } }, "The username or password is wrong."],
    ["the right password in the wrong account", { name: "deployer", password: PASSWORD, domain: { name: "other" } }, "The username or password is wrong."],
    ["a locked account", { name: "frozen", password: PASSWORD, domain: { name: "acme" } }, "The account is locked."],
  ])("%s answers 401 in IAM's error shape", async (_name, user, message) => {
    const res = await signIn(user);
    expect([res.status, await res.json(), res.headers.get("x-subject-token")]).toEqual([401, { error: { code: 401, message, title: "Unauthorized" } }, null]);
  });
});

describe("a token CCE refuses", () => {
  test("a revoked token: CCE answers 401, the client signs in again exactly once and the call succeeds", async () => {
    const client = clientWith();
    await client.getCluster(DEFAULT_CLUSTER_ID);
    emulator.expireTokens();
    await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    expect(summary()).toEqual([
      "POST /v3/auth/tokens 201 password",
      "GET /api/v3/… 200 token",
      "POST /api/v3/…/clustercert 401 none",
      "POST /v3/auth/tokens 201 password",
      "POST /api/v3/…/clustercert 200 token",
    ]);
  });

  test("mid-call sequence: revoked between the cluster check and the mint, as the engine test does it", async () => {
    const client = clientWith();
    emulator.expireTokens(1); // after the next accepted request
    await client.getCluster(EIP_CLUSTER_ID);
    await client.createClusterCertificate(EIP_CLUSTER_ID, { duration: 1 });
    expect(signIns()).toBe(2);
    expect(summary().filter((s) => s.includes("401"))).toEqual(["POST /api/v3/…/clustercert 401 none"]);
  });

  test("a 401 after signing in again is final: one renewal per call, never a loop", async () => {
    const client = clientWith();
    await client.getCluster(DEFAULT_CLUSTER_ID);
    emulator.injectFault({ method: "GET", path: "/clusters/", status: 401, times: 5 });
    const error = await failure(client.getCluster(DEFAULT_CLUSTER_ID));
    expect(error).toMatchObject({ service: "CCE", status: 401 });
    expect(summary()).toEqual([
      "POST /v3/auth/tokens 201 password",
      "GET /api/v3/… 200 token",
      "GET /api/v3/… 401 none",
      "POST /v3/auth/tokens 201 password",
      "GET /api/v3/… 401 none",
    ]);
  });

  test("calls refused at the same time with the same token share one new sign-in", async () => {
    const client = clientWith();
    await client.getCluster(DEFAULT_CLUSTER_ID);
    emulator.expireTokens();
    const before = emulator.signInCount();
    await Promise.all([client.getCluster(DEFAULT_CLUSTER_ID), client.getCluster(DEFAULT_CLUSTER_ID), client.getCluster(EIP_CLUSTER_ID)]);
    expect(summary().filter((s) => s.includes(" 401 "))).toHaveLength(3);
    expect(emulator.signInCount() - before).toBe(1);
  });

  test("control: a configured token that CCE refuses is not renewed (nothing to sign in with)", async () => {
    const error = await failure(clientWith({ config: { "huaweicloud:token": "not-a-valid-token-0000" } }).getCluster(DEFAULT_CLUSTER_ID));
    expect(error.status).toBe(401);
    expect(iamRequests()).toEqual([]);
  });

  test("a token scoped to another project is refused by CCE (403)", async () => {
    const credentials = credentialSource(() => resolveAuthSettings(stackConfig(USER), {}), {
      project: { id: OTHER_PROJECT_ID },
      authUrl: () => emulator.authUrl,
      context: callContext({}),
    });
    const client = new CceClient({ endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, credentials });
    expect((await failure(client.getCluster(DEFAULT_CLUSTER_ID))).status).toBe(403);
  });
});

describe("agencies", () => {
  test("a signed-in user assumes the agency; its temporary keys sign CCE calls, reused for the process", async () => {
    const client = clientWith({ config: { ...USER, ...AGENCY } });
    await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    await client.getCluster(DEFAULT_CLUSTER_ID);
    expect(summary()).toEqual([
      "POST /v3/auth/tokens 201 password",
      "POST /v3.0/OS-CREDENTIAL/securitytokens 201 token",
      "POST /api/v3/…/clustercert 200 aksk",
      "GET /api/v3/… 200 aksk",
    ]);
  });

  test.each<[string, () => Record<string, string>, string]>([
    ["an access key pair", () => ({ "huaweicloud:accessKey": emulator.credentials[0]!.accessKey, "huaweicloud:secretKey": emulator.credentials[0]!.secretKey }), "aksk"],
    ["a token", () => ({ "huaweicloud:token": emulator.tokens[0]! }), "token"],
  ])("%s assumes the agency too", async (_name, config, kind) => {
    await clientWith({ config: { ...config(), ...AGENCY } }).getCluster(DEFAULT_CLUSTER_ID);
    expect(summary()).toEqual([`POST /v3.0/OS-CREDENTIAL/securitytokens 201 ${kind}`, "GET /api/v3/… 200 aksk"]);
  });

  test("revoked temporary keys are replaced once, signing in again too", async () => {
    const client = clientWith({ config: { ...USER, ...AGENCY } });
    await client.getCluster(DEFAULT_CLUSTER_ID);
    emulator.expireTokens();
    await client.getCluster(DEFAULT_CLUSTER_ID);
    expect(summary().slice(3)).toEqual([
      "GET /api/v3/… 401 none",
      "POST /v3/auth/tokens 201 password",
      "POST /v3.0/OS-CREDENTIAL/securitytokens 201 token",
      "GET /api/v3/… 200 aksk",
    ]);
  });

  test("an agency that does not exist fails with IAM's 403 and what to check", async () => {
    const config = { ...USER, "huaweicloud:assumeRole": JSON.stringify({ agencyName: "nope", domainName: "target-account" }) };
    const error = await failure(clientWith({ config }).getCluster(DEFAULT_CLUSTER_ID));
    expect(error).toMatchObject({ service: "IAM", status: 403, path: "/v3.0/OS-CREDENTIAL/securitytokens" });
    expect(error.message).toContain("check that the agency exists in that account and trusts this user");
  });
});

test("no password, token or temporary key appears in any error of this file", () => {
  const { tokens, credentials } = emulator.issuedCredentials();
  const secrets = [PASSWORD, OTHER_PASSWORD, "Wrong-Password-000", ...tokens, ...credentials.flatMap((c) => [c.secretKey, c.securityToken!])];
  expect(tokens.length).toBeGreaterThan(5);
  expect(credentials.length).toBeGreaterThan(2);
  expect(messages.length).toBeGreaterThan(10);
  expect(findLeaks(messages, secrets)).toEqual([]);
  // Control: the scan finds a token when one is there.
  expect(findLeaks([`x ${tokens[0]} y`], secrets)).not.toEqual([]);
});

/** The account id the emulator reports for `acme` in a sign-in's body. */
async function signedInDomainId(): Promise<string> {
  const res = await fetch(`${emulator.authUrl}/auth/tokens`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: { methods: ["password"], password: { user: { name: "deployer", password: PASSWORD, domain: { name: "acme" } } } },
        scope: { project: { id: DEFAULT_PROJECT_ID } },
      },
    }),
  });
  const body = (await res.json()) as { token: { user: { domain: { id: string } } } };
  return body.token.user.domain.id;
}
