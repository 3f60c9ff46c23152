/**
 * OIDC federation in the emulator's IAM, over real HTTP: an ID token signed with a real key pair is
 * exchanged for an IAM token (`POST /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id`), the token for
 * temporary keys (`securitytokens`, method `token`), and those keys sign CCE calls and assume an
 * agency. Every refusal is paired with a control that passes, so a test proves the one flaw is why.
 */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { request } from "undici";
import type { Emulator, EmulatorCredential, EmulatorIdentityProvider } from "../../src/emulator";
import { startEmulator } from "../../src/emulator";
import { parseEmulatorConfig } from "../../src/emulator/config";
import { InvalidInputError } from "../../src/errors";
import { signRequest } from "../../src/signing";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, DEFAULT_PROJECT_NAME, startTestEmulator } from "../helpers/emulator";

const ID_TOKEN_PATH = "/v3.0/OS-AUTH/id-token/tokens";
const SECURITY_TOKENS_PATH = "/v3.0/OS-CREDENTIAL/securitytokens";
const CERT_PATH = `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}/clustercert`;
const OTHER_PROJECT_ID = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";
const AMBIGUOUS_NAME = "eu-west-101";
const ISSUER = "https://token.actions.githubusercontent.com";
const AUDIENCE = "huaweicloud";
const SUBJECT = "repo:acme/infra:ref:refs/heads/main";
const EC_USER_ID = "fed0fed0fed0fed0fed0fed0fed0fed0";
const PASSWORD = "Correct-Horse-Battery-9";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = (key: KeyObject) => key.export({ type: "spki", format: "pem" }).toString();

const PROVIDERS: EmulatorIdentityProvider[] = [
  { id: "github-rsa", issuer: ISSUER, audience: AUDIENCE, publicKeyPem: pem(rsa.publicKey) },
  { id: "github-ec", issuer: ISSUER, audience: AUDIENCE, publicKeyPem: pem(ec.publicKey), subject: SUBJECT, userId: EC_USER_ID },
];

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator({
    identityProviders: PROVIDERS,
    agencies: [{ name: "cce-ops", domainName: "target-account" }],
    users: [{ name: "deployer", password: PASSWORD, domainName: "acme" }],
  });
  await emulator.addCluster(OTHER_PROJECT_ID, { id: "4d4d4d4d-0000-4000-8000-000000000004" });
  emulator.nameProject("5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e", AMBIGUOUS_NAME);
  emulator.nameProject("6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f", AMBIGUOUS_NAME);
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

// --- ID tokens -----------------------------------------------------------------------------------

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const epoch = (ms = Date.now()) => Math.floor(ms / 1000);

/** GitHub-like claims, valid for 5 minutes; an override of `undefined` drops a claim. */
function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = epoch();
  return { iss: ISSUER, aud: AUDIENCE, sub: SUBJECT, iat: now, nbf: now, exp: now + 300, ...overrides };
}

type Alg = "RS256" | "ES256" | "HS256" | "none";

/** A compact JWS, signed as its `alg` says (HS256 with the RSA public key as the secret, the classic confusion attack). */
function jwt(payload: Record<string, unknown>, alg: Alg = "RS256", key: KeyObject = alg === "ES256" ? ec.privateKey : rsa.privateKey): string {
  const signingInput = `${b64({ alg, typ: "JWT" })}.${b64(payload)}`;
  const data = Buffer.from(signingInput);
  const signatures: Record<Alg, () => Buffer> = {
    RS256: () => sign("sha256", data, key),
    ES256: () => sign("sha256", data, { key, dsaEncoding: "ieee-p1363" }),
    HS256: () => createHmac("sha256", pem(rsa.publicKey)).update(data).digest(),
    none: () => Buffer.alloc(0),
  };
  return `${signingInput}.${signatures[alg]().toString("base64url")}`;
}

// --- HTTP ----------------------------------------------------------------------------------------

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: () => Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- answers are read field by field
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}, on: Emulator = emulator): Promise<Answer> {
  const res = await request(new URL(path, on.url), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) flat[name] = Array.isArray(value) ? value.join(", ") : String(value);
  return { status: res.statusCode, headers: flat, text, json: () => JSON.parse(text) as Record<string, never> };
}

interface ExchangeOptions {
  /** The X-Idp-Id header; null sends none. */
  idp?: string | null;
  scope?: { id?: string; name?: string };
  on?: Emulator;
}

function exchange(idToken: string, { idp = "github-rsa", scope, on = emulator }: ExchangeOptions = {}): Promise<Answer> {
  const body = { auth: { id_token: { id: idToken }, ...(scope === undefined ? {} : { scope: { project: scope } }) } };
  return post(ID_TOKEN_PATH, body, idp === null ? {} : { "X-Idp-Id": idp }, on);
}

/** An IAM token from a good ID token (RS256 provider unless told otherwise). */
async function federatedToken(options: ExchangeOptions = {}): Promise<string> {
  const answer = await exchange(jwt(claims()), { scope: { name: DEFAULT_PROJECT_NAME }, ...options });
  expect(answer.status).toBe(201);
  return answer.headers["x-subject-token"]!;
}

interface KeysOptions {
  header?: string | null;
  inBody?: string | null;
  durationSeconds?: number;
}

/** `securitytokens` with the token method; by default the token goes both in the body and in X-Auth-Token, as clients send it. */
function keysFor(token: string, { header = token, inBody = token, durationSeconds }: KeysOptions = {}): Promise<Answer> {
  const block = { ...(inBody === null ? {} : { id: inBody }), ...(durationSeconds === undefined ? {} : { duration_seconds: durationSeconds }) };
  return post(SECURITY_TOKENS_PATH, { auth: { identity: { methods: ["token"], token: block } } }, header === null ? {} : { "X-Auth-Token": header });
}

function credentialOf(answer: Answer): Required<Omit<EmulatorCredential, "admin">> {
  const { access, secret, securitytoken } = answer.json()["credential"] as Record<string, string>;
  return { accessKey: access!, secretKey: secret!, securityToken: securitytoken! };
}

/** A POST signed with SDK-HMAC-SHA256 by the package's own signer (X-Security-Token included for temporary keys). */
async function signedPost(path: string, body: unknown, credential: EmulatorCredential): Promise<Answer> {
  const url = new URL(path, emulator.url);
  const text = JSON.stringify(body);
  const signed = signRequest({ method: "POST", url, headers: { Host: url.host, "Content-Type": "application/json" }, body: text }, credential);
  const res = await request(url, { method: "POST", headers: signed.headers, body: text });
  return { status: res.statusCode, headers: {}, text: await res.body.text(), json: () => ({}) };
}

const summary = () => emulator.requests.map((r) => `${r.method} ${r.path.replace(/\/projects\/.*\/clusters\/[^/]+/, "/…")} ${r.status} ${r.auth}`);

/** IAM's 401 with the reason, and nothing of the token in the whole answer. */
function expectRefusal(answer: Answer, message: string, token: string): void {
  expect(answer.status).toBe(401);
  expect(answer.json()).toEqual({ error: { code: 401, message, title: "Unauthorized" } });
  expect(answer.text).not.toContain(token);
  const signature = token.split(".")[2] ?? "";
  if (signature.length > 16) expect(answer.text).not.toContain(signature);
}

// --- the exchange --------------------------------------------------------------------------------

describe("the ID token exchange", () => {
  test("an RS256 ID token scoped by project name answers 201 with the token in X-Subject-Token and IAM's body", async () => {
    const before = Date.now();
    const answer = await exchange(jwt(claims()), { scope: { name: DEFAULT_PROJECT_NAME } });
    expect(answer.status).toBe(201);
    const token = answer.headers["x-subject-token"]!;
    expect(token).toMatch(/^MII[A-Za-z0-9_-]{100,}$/);
    const body = answer.json()["token"];
    expect(body).toMatchObject({
      methods: ["mapped"],
      project: { id: DEFAULT_PROJECT_ID, name: DEFAULT_PROJECT_NAME },
      user: { id: expect.stringMatching(/^[0-9a-f]{32}$/), name: SUBJECT, domain: { id: expect.any(String), name: expect.any(String) } },
    });
    // The token's own life (24 hours by default), not the ID token's 5 minutes.
    expect(Date.parse(body.expires_at) - Date.parse(body.issued_at)).toBe(86_400_000);
    expect(Date.parse(body.issued_at)).toBeGreaterThanOrEqual(before - 1000);
    expect(answer.text).not.toContain(token);
    expect(emulator.issuedCredentials().tokens).toContain(token);
    expect(summary()).toEqual(["POST /v3.0/OS-AUTH/id-token/tokens 201 none"]);
    expect(emulator.requests[0]!.fault).toBe(false);
  });

  test("an ES256 ID token (raw r||s signature) scoped by project id answers 201 as the provider's configured user", async () => {
    const answer = await exchange(jwt(claims(), "ES256"), { idp: "github-ec", scope: { id: OTHER_PROJECT_ID } });
    expect(answer.status).toBe(201);
    // A project with no IAM name shows its id as its name.
    expect(answer.json()["token"]).toMatchObject({ project: { id: OTHER_PROJECT_ID, name: OTHER_PROJECT_ID }, user: { id: EC_USER_ID } });
  });

  test("without a scope the token is unscoped: no project in the answer", async () => {
    const answer = await exchange(jwt(claims()));
    expect(answer.status).toBe(201);
    expect(answer.json()["token"]).not.toHaveProperty("project");
  });

  test("the token signs CCE calls in its project and is refused in another", async () => {
    const token = await federatedToken();
    const ok = await request(new URL(`/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}`, emulator.url), { headers: { "X-Auth-Token": token } });
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
    const other = await request(new URL(`/api/v3/projects/${OTHER_PROJECT_ID}/clusters/4d4d4d4d-0000-4000-8000-000000000004`, emulator.url), { headers: { "X-Auth-Token": token } });
    expect(other.statusCode).toBe(403);
    await other.body.dump();
  });

  test("a scope by name must name exactly one project, and a scope by id an existing one; a good scope passes", async () => {
    const ambiguous = await exchange(jwt(claims()), { scope: { name: AMBIGUOUS_NAME } });
    expect(ambiguous.status).toBe(401);
    expect(ambiguous.json()["error"]).toMatchObject({ message: `Could not find a single project named ${AMBIGUOUS_NAME}.` });
    const unknownName = await exchange(jwt(claims()), { scope: { name: "nowhere-1" } });
    expect(unknownName.status).toBe(401);
    const unknownId = await exchange(jwt(claims()), { scope: { id: "9".repeat(32) } });
    expect(unknownId.status).toBe(404);
    expect(unknownId.json()["error"]).toMatchObject({ code: 404, message: `Could not find project: ${"9".repeat(32)}.` });
    expect((await exchange(jwt(claims()), { scope: { name: DEFAULT_PROJECT_NAME } })).status).toBe(201);
  });

  test("the exchange answers on the emulator's clock (options.now), not the test's", async () => {
    const later = await startEmulator({ identityProviders: PROVIDERS, now: () => new Date(Date.now() + 2 * 3_600_000) });
    try {
      const current = jwt(claims());
      const future = jwt(claims({ nbf: epoch() + 7200, iat: epoch() + 7200, exp: epoch() + 7500 }));
      expectRefusal(await exchange(current, { on: later }), "The ID token is not accepted: the ID token has expired.", current);
      expect((await exchange(future, { on: later })).status).toBe(201);
      expect((await exchange(future)).status).toBe(401);
      expect(later.idTokenExchangeCount()).toBe(1);
    } finally {
      await later.stop();
    }
  });

  test("a GET on the exchange path answers 404", async () => {
    const res = await request(new URL(ID_TOKEN_PATH, emulator.url), { headers: { "X-Idp-Id": "github-rsa" } });
    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toMatchObject({ error: { code: 404, title: "Not Found" } });
  });
});

// --- refusals ------------------------------------------------------------------------------------

interface Refusal {
  name: string;
  /** The ID token with the flaw (true) and without it (false). */
  token: (flawed: boolean) => string;
  reason: string;
  idp?: string;
}

const now = epoch();
const REFUSALS: Refusal[] = [
  { name: "a signature by another key", token: (f) => jwt(claims(), "RS256", f ? stranger.privateKey : rsa.privateKey), reason: "the signature does not verify" },
  {
    name: "a tampered payload",
    token: (f) => {
      const good = jwt(claims());
      if (!f) return good;
      const [header, , signature] = good.split(".");
      return `${header}.${b64(claims({ sub: "repo:evil/fork:ref:refs/heads/main" }))}.${signature}`;
    },
    reason: "the signature does not verify",
  },
  { name: "alg none", token: (f) => jwt(claims(), f ? "none" : "RS256"), reason: 'the algorithm "none" is not accepted (RS256 or ES256 only)' },
  { name: "HS256 keyed with the public key", token: (f) => jwt(claims(), f ? "HS256" : "RS256"), reason: 'the algorithm "HS256" is not accepted (RS256 or ES256 only)' },
  { name: "an ES256 token for an RSA provider", token: (f) => (f ? jwt(claims(), "ES256") : jwt(claims())), reason: `the algorithm "ES256" does not fit the identity provider's key` },
  { name: "an expired token", token: (f) => jwt(claims({ exp: f ? now - 5 : now + 300 })), reason: "the ID token has expired" },
  { name: "a token without exp", token: (f) => jwt(claims({ exp: f ? undefined : now + 300 })), reason: "the ID token has no numeric exp" },
  // The control sits inside the 60 s leeway, so the leeway is tested too.
  { name: "nbf in the future", token: (f) => jwt(claims({ nbf: f ? now + 120 : now + 30 })), reason: "the ID token is not valid yet (nbf is in the future)" },
  { name: "iat in the future", token: (f) => jwt(claims({ iat: f ? now + 120 : now + 30 })), reason: "the ID token was issued in the future (iat)" },
  { name: "a wrong issuer", token: (f) => jwt(claims({ iss: f ? "https://gitlab.example.com" : ISSUER })), reason: 'the issuer "https://gitlab.example.com" is not trusted by this identity provider' },
  { name: "a wrong audience", token: (f) => jwt(claims({ aud: f ? ["sts.amazonaws.com"] : ["sts.amazonaws.com", AUDIENCE] })), reason: `the audience ["sts.amazonaws.com"] does not include "${AUDIENCE}"` },
  {
    name: "a wrong subject",
    idp: "github-ec",
    token: (f) => jwt(claims({ sub: f ? "repo:acme/infra:pull_request" : SUBJECT }), "ES256"),
    reason: 'the subject "repo:acme/infra:pull_request" is not allowed by the identity conversion rules',
  },
  { name: "not three parts", token: (f) => (f ? jwt(claims()).split(".").slice(0, 2).join(".") : jwt(claims())), reason: "the ID token is not a JWT (three base64url parts)" },
  {
    name: "a payload that is not JSON",
    token: (f) => {
      const good = jwt(claims());
      if (!f) return good;
      const signingInput = `${b64({ alg: "RS256" })}.${Buffer.from("{not json").toString("base64url")}`;
      return `${signingInput}.${sign("sha256", Buffer.from(signingInput), rsa.privateKey).toString("base64url")}`;
    },
    reason: "the ID token's payload is not a JSON object",
  },
  { name: "a header that is not JSON", token: (f) => (f ? `bm90LWpzb24.${jwt(claims()).split(".").slice(1).join(".")}` : jwt(claims())), reason: "the ID token's header is not a JSON object" },
];

describe("refused ID tokens", () => {
  test.each(REFUSALS)("$name: 401 naming the reason, never the token; the same token without the flaw passes", async ({ token, reason, idp }) => {
    const before = emulator.idTokenExchangeCount();
    const flawed = token(true);
    expectRefusal(await exchange(flawed, { idp: idp ?? "github-rsa" }), `The ID token is not accepted: ${reason}.`, flawed);
    expect(emulator.idTokenExchangeCount()).toBe(before); // refusals are not counted
    expect((await exchange(token(false), { idp: idp ?? "github-rsa" })).status).toBe(201);
    expect(emulator.idTokenExchangeCount()).toBe(before + 1);
    expect(summary()).toEqual(["POST /v3.0/OS-AUTH/id-token/tokens 401 none", "POST /v3.0/OS-AUTH/id-token/tokens 201 none"]);
  });

  test.each<[string, string | null, string]>([
    ["an unknown X-Idp-Id", "gitlab-oidc", 'The identity provider "gitlab-oidc" does not exist.'],
    ["no X-Idp-Id", null, "The identity provider named by no X-Idp-Id header does not exist."],
  ])("%s answers 404; the same token with the right provider passes", async (_name, idp, message) => {
    const token = jwt(claims());
    const answer = await exchange(token, { idp });
    expect(answer.status).toBe(404);
    expect(answer.json()).toEqual({ error: { code: 404, message, title: "Not Found" } });
    expect(answer.text).not.toContain(token);
    expect((await exchange(token)).status).toBe(201);
  });

  test.each<[string, string]>([
    ["an empty body", ""],
    ["a body that is not JSON", "{auth"],
    ["no id_token", JSON.stringify({ auth: {} })],
    ["an id_token.id that is not a string", JSON.stringify({ auth: { id_token: { id: 42 } } })],
    ["a scope naming no project", JSON.stringify({ auth: { id_token: { id: "x.y.z" }, scope: { domain: { name: "acme" } } } })],
  ])("%s answers 400; a well-formed body passes", async (_name, body) => {
    const answer = await post(ID_TOKEN_PATH, body, { "X-Idp-Id": "github-rsa" });
    expect(answer.status).toBe(400);
    expect(answer.json()["error"]).toMatchObject({ code: 400, title: "Bad Request" });
    expect((await post(ID_TOKEN_PATH, { auth: { id_token: { id: jwt(claims()) } } }, { "X-Idp-Id": "github-rsa" })).status).toBe(201);
  });
});

// --- from token to keys --------------------------------------------------------------------------

describe("securitytokens with the token method", () => {
  test("a federated token's keys mint a certificate on the default cluster as its user, then assume an agency", async () => {
    const exchanged = await exchange(jwt(claims()), { scope: { name: DEFAULT_PROJECT_NAME } });
    const token = exchanged.headers["x-subject-token"]!;
    const userId = exchanged.json()["token"].user.id as string;
    const keys = await keysFor(token);
    expect(keys.status).toBe(201);
    const credential = credentialOf(keys);
    expect(credential.accessKey).toMatch(/^[0-9A-F]{20}$/);
    expect(emulator.issuedCredentials().credentials).toContainEqual(credential);
    // The default 900 seconds.
    expect(Date.parse(keys.json()["credential"].expires_at) - Date.now()).toBeGreaterThan(890_000);
    expect(Date.parse(keys.json()["credential"].expires_at) - Date.now()).toBeLessThanOrEqual(900_000);

    const minted = await signedPost(CERT_PATH, { duration: 1 }, credential);
    expect(minted.status).toBe(200);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!.subject).toContain(userId);

    const assumed = await signedPost(SECURITY_TOKENS_PATH, { auth: { identity: { methods: ["assume_role"], assume_role: { agency_name: "cce-ops", domain_name: "target-account" } } } }, credential);
    expect(assumed.status).toBe(201);
    expect(summary()).toEqual([
      "POST /v3.0/OS-AUTH/id-token/tokens 201 none",
      "POST /v3.0/OS-CREDENTIAL/securitytokens 201 token",
      "POST /api/v3/…/clustercert 200 aksk",
      "POST /v3.0/OS-CREDENTIAL/securitytokens 201 aksk",
    ]);
  });

  test("an ES256 federated token's keys mint too", async () => {
    const exchanged = await exchange(jwt(claims(), "ES256"), { idp: "github-ec", scope: { id: DEFAULT_PROJECT_ID } });
    const keys = await keysFor(exchanged.headers["x-subject-token"]!);
    expect(keys.status).toBe(201);
    expect((await signedPost(CERT_PATH, { duration: 1 }, credentialOf(keys))).status).toBe(200);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!.subject).toContain(EC_USER_ID);
  });

  test("the token may come in token.id alone or in X-Auth-Token alone; both must then agree", async () => {
    const token = await federatedToken();
    const other = await federatedToken();
    expect((await keysFor(token, { header: null })).status).toBe(201);
    expect((await keysFor(token, { inBody: null })).status).toBe(201);
    const mismatch = await keysFor(token, { header: other });
    expect(mismatch.status).toBe(400);
    expect(mismatch.json()["error"]).toMatchObject({ message: "token.id and X-Auth-Token name different tokens." });
    expect(mismatch.text).not.toContain(token);
    expect(mismatch.text).not.toContain(other);
    const neither = await keysFor(token, { header: null, inBody: null });
    expect(neither.status).toBe(401);
  });

  test("a password sign-in's token works too", async () => {
    const signIn = await post("/v3/auth/tokens", {
      auth: {
        identity: { methods: ["password"], password: { user: { name: "deployer", password: PASSWORD, domain: { name: "acme" } } } },
        scope: { project: { id: DEFAULT_PROJECT_ID } },
      },
    });
    expect(signIn.status).toBe(201);
    const keys = await keysFor(signIn.headers["x-subject-token"]!);
    expect(keys.status).toBe(201);
    expect((await signedPost(CERT_PATH, { duration: 1 }, credentialOf(keys))).status).toBe(200);
  });

  test("an unknown token answers 401 in IAM's shape without echoing it; a known one passes", async () => {
    const unknown = `MII${"A".repeat(128)}`;
    const answer = await keysFor(unknown);
    expectRefusal(answer, "The request you have made requires authentication: the token is invalid or expired.", unknown);
    expect((await keysFor(await federatedToken())).status).toBe(201);
  });

  test("duration_seconds must lie from 900 to 86400", async () => {
    const token = await federatedToken();
    for (const bad of [899, 86_401, 1000.5]) {
      const answer = await keysFor(token, { durationSeconds: bad });
      expect(answer.status).toBe(400);
      expect(answer.json()["error"]).toMatchObject({ message: "duration_seconds must be an integer from 900 to 86400." });
    }
    const day = await keysFor(token, { durationSeconds: 86_400 });
    expect(day.status).toBe(201);
    expect(Date.parse(day.json()["credential"].expires_at) - Date.now()).toBeGreaterThan(86_390_000);
  });

  test("expireTokens revokes a federated token: securitytokens and CCE then answer 401", async () => {
    const token = await federatedToken();
    expect((await keysFor(token)).status).toBe(201);
    emulator.expireTokens();
    expectRefusal(await keysFor(token), "The request you have made requires authentication: the token is invalid or expired.", token);
    const cce = await request(new URL(`/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}`, emulator.url), { headers: { "X-Auth-Token": token } });
    expect(cce.statusCode).toBe(401);
    await cce.body.dump();
    // A new exchange issues a working token.
    expect((await keysFor(await federatedToken())).status).toBe(201);
  });
});

// --- faults --------------------------------------------------------------------------------------

describe("faults on the exchange path", () => {
  test("a 500 fault answers before the exchange, which is then not counted; the next call passes", async () => {
    emulator.injectFault({ path: ID_TOKEN_PATH, status: 500 });
    const before = emulator.idTokenExchangeCount();
    const faulted = await exchange(jwt(claims()));
    expect(faulted.status).toBe(500);
    expect(emulator.idTokenExchangeCount()).toBe(before);
    expect(emulator.requests.at(-1)).toMatchObject({ path: ID_TOKEN_PATH, status: 500, fault: true, auth: "none" });
    expect((await exchange(jwt(claims()))).status).toBe(201);
    expect(emulator.idTokenExchangeCount()).toBe(before + 1);
  });

  test("a delayMs fault delays the answer, which is then a normal exchange", async () => {
    emulator.injectFault({ path: ID_TOKEN_PATH, delayMs: 300 });
    const started = Date.now();
    const answer = await exchange(jwt(claims()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.status).toBe(201);
    expect(answer.headers["x-subject-token"]).toMatch(/^MII/);
    expect(emulator.requests.at(-1)).toMatchObject({ path: ID_TOKEN_PATH, status: 201, fault: true });
  });
});

// --- configuration -------------------------------------------------------------------------------

describe("identity provider configuration", () => {
  const provider = PROVIDERS[0]!;
  test.each<[string, EmulatorIdentityProvider[], string]>([
    ["a key that is not PEM", [{ ...provider, publicKeyPem: "not a key" }], "identityProviders[0].publicKeyPem: is not a PEM public key"],
    [
      "an Ed25519 key",
      [{ ...provider, publicKeyPem: pem(generateKeyPairSync("ed25519").publicKey) }],
      "identityProviders[0].publicKeyPem: must be an RSA (RS256) or EC P-256 (ES256) key",
    ],
    [
      "a P-384 key",
      [{ ...provider, publicKeyPem: pem(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey) }],
      "identityProviders[0].publicKeyPem: must be an RSA (RS256) or EC P-256 (ES256) key",
    ],
    ["an empty audience", [{ ...provider, audience: "" }], "identityProviders[0]: needs a non-empty id, issuer and audience"],
    ["a repeated id", [provider, { ...PROVIDERS[1]!, id: provider.id }], "identityProviders[1]: repeats the id github-rsa"],
  ])("%s fails startEmulator with an InvalidInputError", async (_name, identityProviders, message) => {
    const error = await startEmulator({ identityProviders }).then(
      async (started) => {
        await started.stop();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain("BEGIN PUBLIC KEY");
  });

  test("a cce-emulator config file may list identity providers, strictly", () => {
    const config = { identityProviders: [{ id: "ci", issuer: ISSUER, audience: AUDIENCE, publicKeyPem: provider.publicKeyPem, subject: SUBJECT }] };
    expect(parseEmulatorConfig(JSON.stringify(config), "emulator.json").identityProviders).toEqual(config.identityProviders);
    const typo = { identityProviders: [{ ...config.identityProviders[0], audiance: "x" }] };
    expect(() => parseEmulatorConfig(JSON.stringify(typo), "emulator.json")).toThrow(/identityProviders\.0/);
  });
});
