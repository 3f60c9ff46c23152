/**
 * Secrets never leak: a battery of failing and succeeding operations (client errors of every
 * shape, provider failures, missing credentials, responses that carry a client key) runs with the
 * console captured; every message, `String(error)`, `JSON.stringify(error)`, stack, inspected
 * error and console line is scanned for every credential, signature, key and PEM block used.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect, format } from "node:util";
import { Agent, type Dispatcher } from "undici";
import type { Emulator } from "../../src/emulator";
import type { CceClientOptions } from "../../src/api/client";
import { EMPTY_CONFIG } from "../../src/config/settings";
import { obtainCertificate, type CertificateOptions } from "../../src/exec/certificates";
import { signRequest } from "../../src/signing";
import * as operations from "../../src/provider/operations";
import { createOperations } from "../../src/provider/operations";
import { forgetIssuedCredentials } from "../../src/credentials";
import type { CheckedInputs } from "../../src/provider/inputs";
import { storedKubeconfigEntries } from "../../src/kubeconfig/stored";
import type { CertificateOutputs } from "../../src/provider/outputs";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { findLeaks, pemSecrets, type Leak } from "../helpers/leak-scan";
import { stackConfig } from "../helpers/stack-config";
import { cceResponse, pemBlock } from "./failure-modes";
import { testIdentityProvider } from "../helpers/id-token";
import { createRevocationOperations } from "../../src/resources/certificate-revocation/operations";
import type { RevocationInputs } from "../../src/resources/certificate-revocation/inputs";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const randomText = (length: number, alphabet = ALNUM) => [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join("");

/** Shaped like Huawei's: a 20-character AK, a 40-character SK, long STS and IAM tokens. */
const AK = randomText(20, ALNUM.slice(0, 26) + ALNUM.slice(52));
const SK = randomText(40);
const WRONG_SK = randomText(40);
const TEMP_AK = randomText(20, ALNUM.slice(0, 26) + ALNUM.slice(52));
const TEMP_SK = randomText(40);
const IDP = testIdentityProvider();
const ID_TOKENS = [IDP.idToken(), IDP.idToken()];
const SECURITY_TOKEN = `ggpjbi1ub3J0aC00${randomBytes(300).toString("base64url")}`;
const IAM_TOKEN = `MIIS${randomBytes(900).toString("base64")}`;
/** A real private key, planted in response bodies; its PEM header comes from Node, not from this file. */
const PLANTED_KEY = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

const SIGNATURE = /Signature=([0-9a-f]{64})/g;

let emulator: Emulator;
/** Every `Authorization` signature the client sent, read from the wire by a dispatcher interceptor. */
const sentSignatures = new Set<string>();
/** Client keys minted by successful calls: they must appear in outputs and nowhere else. */
const mintedKeys: string[] = [];
const recording: Dispatcher = new Agent().compose((dispatch) => (options, handler) => {
  for (const match of JSON.stringify(options.headers ?? {}).matchAll(SIGNATURE)) sentSignatures.add(match[1]!);
  return dispatch(options, handler);
});

/** Each text produced, with a label for the report. */
const produced: Array<{ label: string; text: string }> = [];
function collectError(label: string, error: unknown): void {
  const e = error as Error;
  produced.push(
    { label: `${label}: message`, text: String(e?.message) },
    { label: `${label}: String()`, text: String(e) },
    { label: `${label}: JSON.stringify`, text: JSON.stringify(e) ?? "" },
    { label: `${label}: stack`, text: String(e?.stack) },
    { label: `${label}: inspect`, text: inspect(e, { depth: 10 }) },
  );
}
/** Runs an operation expected to fail, and collects what it throws. */
async function failing(label: string, run: () => Promise<unknown>): Promise<void> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e ?? new Error("rejected with nothing"),
  );
  if (error === undefined) throw new Error(`${label} was expected to fail`);
  collectError(label, error);
}

const client = (overrides: Partial<CceClientOptions> = {}) =>
  clientOf(emulator, {
    credentials: { kind: "aksk", accessKey: AK, secretKey: SK },
    dispatcher: recording,
    retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    ...overrides,
  });
const PROVIDER_CONFIG = {
  "huaweicloud:accessKey": AK,
  "huaweicloud:secretKey": SK,
  "huaweicloud:projectId": DEFAULT_PROJECT_ID,
  "huaweicloud:maxRetries": "1",
};
const keyData = (pem: string) => Buffer.from(pem).toString("base64");
const withClientKey = (pem: string) => {
  const body = cceResponse();
  const [user] = body["users"] as Array<{ name: string; user: Record<string, unknown> }>;
  body["users"] = [{ ...user, user: { ...user!.user, "client-key-data": keyData(pem) } }];
  return body;
};

async function runBattery(): Promise<void> {
  const fixedClock = new Date();
  // ---- client: successes ----
  const issued = await client({ clock: () => fixedClock }).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 30 });
  mintedKeys.push(Buffer.from(issued.config.users[0]!.user["client-key-data"], "base64").toString());
  await client({ credentials: { kind: "aksk", accessKey: TEMP_AK, secretKey: TEMP_SK, securityToken: SECURITY_TOKEN } }).getCluster(DEFAULT_CLUSTER_ID);
  await client({ credentials: { kind: "token", token: IAM_TOKEN } }).getCluster(DEFAULT_CLUSTER_ID);
  await client({ clock: () => fixedClock }).getCluster(DEFAULT_CLUSTER_ID);

  // ---- client: every error shape ----
  await failing("401 wrong secret key", () => client({ credentials: { kind: "aksk", accessKey: AK, secretKey: WRONG_SK } }).getCluster(DEFAULT_CLUSTER_ID));
  await failing("401 wrong security token", () =>
    client({ credentials: { kind: "aksk", accessKey: TEMP_AK, secretKey: TEMP_SK, securityToken: `${SECURITY_TOKEN}x` } }).getCluster(DEFAULT_CLUSTER_ID),
  );
  await failing("401 invalid IAM token", () => client({ credentials: { kind: "token", token: `${IAM_TOKEN}x` } }).getCluster(DEFAULT_CLUSTER_ID));
  await failing("404 cluster", () => client().getCluster("00000000-0000-4000-8000-00000000dead"));
  await failing("404 project", () => client({ projectId: "ffffffffffffffffffffffffffffffff" }).getCluster(DEFAULT_CLUSTER_ID));
  await failing("400 Status shape", () => client().createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 5000 }));
  const faulted = async (label: string, fault: Parameters<Emulator["injectFault"]>[0], overrides: Partial<CceClientOptions> = {}) => {
    emulator.clearFaults();
    emulator.injectFault(fault);
    await failing(label, () => client(overrides).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 30 }));
    emulator.clearFaults();
  };
  await faulted("403", { status: 403, body: { errorCode: "CCE.01403001", errorMessage: "Forbidden" } });
  await faulted("429 exhausted", { status: 429, times: 5 });
  await faulted("500 exhausted", { status: 500, times: 5 });
  await faulted("reset exhausted", { reset: "before-headers", times: 5 });
  await faulted("reset after headers exhausted", { reset: "after-headers", times: 5 });
  await faulted("truncated exhausted", { status: 200, truncate: true, body: JSON.stringify(withClientKey(PLANTED_KEY)), times: 5 });
  await faulted("timeout", { delayMs: 400, times: 5 }, { timeoutMs: 100 });
  await faulted("200 not JSON, holding a key and a token", { status: 200, body: `oops ${PLANTED_KEY} ${IAM_TOKEN}` });
  await faulted("200 wrong shape holding a client key", { status: 200, body: { ...withClientKey(PLANTED_KEY), clusters: "none" } });
  await faulted("200 client key as raw PEM", {
    status: 200,
    body: { ...cceResponse(), users: [{ name: "user", user: { "client-certificate-data": PLANTED_KEY, "client-key-data": PLANTED_KEY } }] },
  });
  await faulted("502 HTML page", { status: 502, times: 5, headers: { "Content-Type": "text/html" }, body: `<pre>${PLANTED_KEY}</pre>` });
  await faulted("400 echoing tokens, a signature and a key", {
    status: 400,
    body: {
      error_code: "APIGW.0101",
      error_msg: `bad request: X-Auth-Token: ${IAM_TOKEN}; X-Security-Token: ${SECURITY_TOKEN}; Signature=${[...sentSignatures][0]}; ${PLANTED_KEY}`,
      request_id: "echo",
    },
  });

  // ---- the revoke (issue 20): its success, every failure shape, and the resource's operations ----
  await client().revokeCertificates(DEFAULT_CLUSTER_ID, { userId: "0123456789abcdef0123456789abcdef" });
  const revokeFault = async (label: string, fault: Parameters<Emulator["injectFault"]>[0], overrides: Partial<CceClientOptions> = {}) => {
    emulator.clearFaults();
    emulator.injectFault({ path: "/clustercertrevoke", ...fault });
    await failing(label, () => client(overrides).revokeCertificates(DEFAULT_CLUSTER_ID, { userId: "0123456789abcdef0123456789abcdef" }));
    emulator.clearFaults();
  };
  await revokeFault("revoke 403", { status: 403, body: { errorCode: "CCE.01403001", errorMessage: "Forbidden" } });
  await revokeFault("revoke 429 exhausted", { status: 429, times: 5 });
  await revokeFault("revoke 500 exhausted", { status: 500, times: 5 });
  await revokeFault("revoke timeout", { delayMs: 400, times: 5 }, { timeoutMs: 100 });
  await revokeFault("revoke 400 echoing tokens and a key", {
    status: 400,
    body: { error_code: "APIGW.0101", error_msg: `bad request: X-Auth-Token: ${IAM_TOKEN}; X-Security-Token: ${SECURITY_TOKEN}; ${PLANTED_KEY}`, request_id: "echo-revoke" },
  });
  await failing("revoke with the secret key as the user id", () => client().revokeCertificates(DEFAULT_CLUSTER_ID, { userId: `../${SK}` }));
  await failing("revoke with a wrong secret key", () =>
    client({ credentials: { kind: "aksk", accessKey: AK, secretKey: WRONG_SK } }).revokeCertificates(DEFAULT_CLUSTER_ID, { userId: "0123456789abcdef0123456789abcdef" }),
  );
  const revocation = createRevocationOperations();
  await revocation.configure({ config: stackConfig(PROVIDER_CONFIG) });
  const revocationChecked = await revocation.check({}, { endpoint: emulator.url, clusterId: DEFAULT_CLUSTER_ID, userId: `${IAM_TOKEN.slice(0, 40)}/`, agencyId: `${SK}/` });
  produced.push({ label: "revocation check of hostile ids", text: JSON.stringify(revocationChecked) });
  const revocationInputs = (await revocation.check({}, { endpoint: emulator.url, clusterId: DEFAULT_CLUSTER_ID, userId: "0123456789abcdef0123456789abcdef" })).inputs as RevocationInputs;
  produced.push({ label: "revocation create outputs", text: JSON.stringify(await revocation.create(revocationInputs)) });
  emulator.injectFault({ path: "/clustercertrevoke", status: 500, times: 5 });
  await failing("revocation create 500 exhausted", () => revocation.create(revocationInputs));
  emulator.clearFaults();

  await failing("client option: endpoint with the key pair in it", async () => client({ endpoint: `https://${AK}:${SK}@cce.example.com` }));
  await failing("client call: cluster id holding the secret key", () => client().getCluster(`../${SK}`));

  // ---- provider ----
  await operations.configure({ config: stackConfig(PROVIDER_CONFIG) });
  const hostile = await operations.check(
    {},
    { endpoint: emulator.url.replace("://", `://${AK}:${SK}@`), clusterId: "x".repeat(10_240), context: IAM_TOKEN.slice(0, 40) },
  );
  produced.push({ label: "check of hostile inputs", text: JSON.stringify(hostile) });
  const { inputs } = await operations.check({}, { endpoint: emulator.url, clusterId: DEFAULT_CLUSTER_ID, duration: 30 });
  const created = await operations.create(inputs as CheckedInputs);
  const outs = created.outs as CertificateOutputs;
  mintedKeys.push(Buffer.from(storedKubeconfigEntries(outs.kubeconfig).clientKeyData, "base64").toString());

  const providerFault = async (label: string, fault: Parameters<Emulator["injectFault"]>[0], run: () => Promise<unknown>) => {
    emulator.clearFaults();
    emulator.injectFault(fault);
    await failing(label, run);
    emulator.clearFaults();
  };
  const create = () => operations.create(inputs as CheckedInputs);
  await providerFault("provider create 403", { status: 403 }, create);
  await providerFault("provider create, key that is not a certificate", { status: 200, body: withClientKey(PLANTED_KEY) }, create);
  await providerFault("provider read 403", { method: "GET", status: 403 }, () => operations.read(created.id, { ...outs }));
  await failing("provider adopt with hostile inputs", () => operations.read("adopted", { clusterId: "../x", endpoint: `https://${AK}:${SK}@cce.example.com` }));
  await failing("provider update to a missing context", () => operations.update(created.id, outs, { ...outs, context: "external" }));
  await failing("provider update, stored kubeconfig not YAML", () =>
    operations.update(created.id, { ...outs, kubeconfig: `{{{ ${PLANTED_KEY} ${outs.kubeconfig}` }, outs),
  );
  await failing("provider update, stored kubeconfig of the wrong shape", () =>
    operations.update(created.id, { ...outs, kubeconfig: `users: "${keyData(PLANTED_KEY)}"\nclusters: [${JSON.stringify(PLANTED_KEY)}]\n` }, outs),
  );
  await operations.configure({ config: stackConfig({ ...PROVIDER_CONFIG, "huaweicloud:secretKey": WRONG_SK }) });
  await failing("provider create with a wrong secret key", create);

  // Credentials missing: no stack config and no HW_* environment.
  const saved = { ...process.env };
  try {
    for (const name of Object.keys(process.env)) if (name.startsWith("HW_")) delete process.env[name];
    process.env["HW_MAX_RETRIES"] = "0";
    // Nothing configured ends at the ECS metadata service: on loopback, a closed port (tests never reach 169.254.169.254).
    process.env["HW_ECS_METADATA_URL"] = "http://127.0.0.1:9";
    await operations.configure({ config: EMPTY_CONFIG });
    await failing("provider create without credentials", create);
    await failing("provider check without settings", async () => {
      const result = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID });
      throw new Error(JSON.stringify(result.failures));
    });
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }

  // ---- KooCLI profiles and the project lookup (issue 14): every failure path holding a key ----
  const profileDir = mkdtempSync(join(tmpdir(), "no-leaks-profile-"));
  try {
    const file = join(profileDir, "config.json");
    const withFile = async (content: string, env: Record<string, string> = {}) => {
      writeFileSync(file, content);
      const own = createOperations({ env: { HW_SHARED_CONFIG_FILE: file, HW_PROFILE: "dev", HW_AUTH_URL: emulator.authUrl, HW_MAX_RETRIES: "0", ...env }, warn: (m) => void produced.push({ label: "profile warning", text: m }) });
      await own.configure({ config: EMPTY_CONFIG });
      return own;
    };
    const profileCase = async (label: string, content: string, news: Record<string, unknown> = {}, env: Record<string, string> = {}) => {
      const own = await withFile(content, env);
      const checked = await own.check({}, { endpoint: emulator.url, clusterId: DEFAULT_CLUSTER_ID, ...news });
      produced.push({ label: `${label}: check`, text: JSON.stringify(checked) });
      await failing(`${label}: create`, () => own.create(checked.inputs as CheckedInputs));
    };
    const profile = (fields: Record<string, unknown>) => JSON.stringify({ profiles: [{ name: "dev", mode: "AKSK", ...fields }] });
    await profileCase("profile: malformed JSON holding the keys", `{"profiles":[{"name":"dev","accessKeyId":"${AK}","secretAccessKey":"${SK}",,]}`);
    await profileCase("profile: encrypted (the secret key as ciphertext)", profile({ accessKeyId: `${SK}+/=`, secretAccessKey: SK }));
    await profileCase("profile: SSO without a token, keys beside it", profile({ mode: "SSO", accessKeyId: AK, secretAccessKey: SK, ssoAuth: {} }));
    await profileCase("profile: a wrong secret key", profile({ accessKeyId: AK, secretAccessKey: WRONG_SK }), { projectId: DEFAULT_PROJECT_ID });
    await profileCase("profile keys: a project lookup matching nothing", profile({ accessKeyId: AK, secretAccessKey: SK }), {}, { HW_REGION_NAME: "xx-nowhere-1" });
    await profileCase("profile keys over env keys: a lookup answering 401", profile({ accessKeyId: AK, secretAccessKey: WRONG_SK }), {}, {
      HW_REGION_NAME: "cn-north-4",
      HW_ACCESS_KEY: TEMP_AK,
      HW_SECRET_KEY: TEMP_SK,
    });
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }

  // ---- ECS instance metadata (issue 14): a success, then answers holding keys that must not reach an error ----
  const instance = createOperations({ env: { HW_ECS_METADATA_URL: emulator.url, HW_MAX_RETRIES: "0" } });
  await instance.configure({ config: EMPTY_CONFIG });
  const instanceChecked = await instance.check({}, { endpoint: emulator.url, clusterId: DEFAULT_CLUSTER_ID, projectId: DEFAULT_PROJECT_ID });
  // The stored outputs but the kubeconfig (which is the certificate, secret by design): no instance key among them.
  const storedWithoutKubeconfig = async () => JSON.stringify({ ...(await instance.create(instanceChecked.inputs as CheckedInputs)).outs, kubeconfig: undefined });
  produced.push({ label: "ECS metadata: create", text: await storedWithoutKubeconfig() });
  emulator.expireTokens(0); // the instance's keys are refused once: renewed from the metadata service
  produced.push({ label: "ECS metadata: create after CCE refused the keys", text: await storedWithoutKubeconfig() });
  for (const [label, fault] of [
    ["ECS metadata: an answer missing fields, holding keys", { status: 200, body: { credential: { access: AK, secret: SK } } }],
    ["ECS metadata: 401 with keys in the body", { status: 401, body: { credential: { access: AK, secret: SK, securitytoken: SECURITY_TOKEN } } }],
    ["ECS metadata: not JSON, holding a key", { status: 200, body: `<html>${SK} ${SECURITY_TOKEN}</html>` }],
  ] as const) {
    forgetIssuedCredentials();
    await providerFault(label, { path: "/openstack/latest/securitykey", ...fault }, () => instance.create(instanceChecked.inputs as CheckedInputs));
  }

  // ---- OIDC federation (issue 14): a success, then answers and files holding tokens that must not reach an error ----
  const oidcDir = mkdtempSync(join(tmpdir(), "leaks-oidc-"));
  const idTokenFile = join(oidcDir, "id-token");
  try {
    const federated = createOperations({
      env: { HW_ECS_METADATA_URL: "http://127.0.0.1:9", HW_AUTH_URL: emulator.authUrl, HW_ASSUME_ROLE_IDP_ID: IDP.provider.id, HW_ASSUME_ROLE_ID_TOKEN_FILE: idTokenFile, HW_MAX_RETRIES: "0" },
    });
    await federated.configure({ config: EMPTY_CONFIG });
    const federatedChecked = await federated.check({}, { endpoint: emulator.url, clusterId: DEFAULT_CLUSTER_ID, projectId: DEFAULT_PROJECT_ID });
    const federatedCreate = () => federated.create(federatedChecked.inputs as CheckedInputs);
    writeFileSync(idTokenFile, ID_TOKENS[0]!);
    produced.push({ label: "OIDC: create", text: JSON.stringify({ ...(await federatedCreate()).outs, kubeconfig: undefined }) });
    for (const [label, fault] of [
      ["OIDC: the exchange answers 401 echoing the ID token", { path: "/OS-AUTH/id-token/tokens", status: 401, body: { error: { code: 401, message: `bad token ${ID_TOKENS[0]!}` } } }],
      ["OIDC: securitytokens answers 403 echoing the ID token", { path: "/OS-CREDENTIAL/securitytokens", status: 403, body: { error: { code: 403, message: `token ${ID_TOKENS[0]!} ${SK}` } } }],
    ] as const) {
      forgetIssuedCredentials();
      await providerFault(label, fault, federatedCreate);
    }
    forgetIssuedCredentials();
    writeFileSync(idTokenFile, `${SK} is not a JWT`);
    await failing("OIDC: a token file holding no JWT but a secret", federatedCreate);
    writeFileSync(idTokenFile, ID_TOKENS[1]!.split(".").slice(0, 2).join(".") + ".forged");
    await failing("OIDC: a token whose signature does not verify", federatedCreate);
  } finally {
    rmSync(oidcDir, { recursive: true, force: true });
  }

  // ---- exec cache (issue 21, items 4 and 5): minting with cleanup, refused folders, their debug lines ----
  const execDir = mkdtempSync(join(tmpdir(), "leaks-exec-"));
  try {
    const cacheDir = join(execDir, "cache");
    const note = (label: string) => (text: string) => void produced.push({ label, text });
    const obtain = (keys: Record<string, string>, dir = cacheDir, extra: Partial<CertificateOptions> = {}) =>
      obtainCertificate(
        { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url },
        { env: { CCE_KUBECONFIG_CACHE_DIR: dir, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ECS_METADATA_URL: "http://127.0.0.1:9", HW_MAX_RETRIES: "0", ...keys }, warn: note("exec warning"), debug: note("exec debug"), ...extra },
      );
    const temporary = { HW_ACCESS_KEY: TEMP_AK, HW_SECRET_KEY: TEMP_SK, HW_SECURITY_TOKEN: SECURITY_TOKEN };
    mintedKeys.push((await obtain({ HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK })).keyPem);
    const first = await obtain(temporary);
    mintedKeys.push(first.keyPem);
    // The last rotation's entry under another name of the same slot, and the current one gone: the next mint supersedes it.
    copyFileSync(first.cacheFile, first.cacheFile.replace(/[0-9a-f]{32}\.json$/, `${"f".repeat(32)}.json`));
    unlinkSync(first.cacheFile);
    mintedKeys.push((await obtain(temporary)).keyPem);
    expect(produced.some((p) => p.label === "exec debug" && p.text.startsWith("deleted 1 expired or superseded cache entries"))).toBe(true);
    const open = join(execDir, "open");
    mkdirSync(open, { mode: 0o700 });
    chmodSync(open, 0o777);
    await failing("exec cache: a folder others can write", () => obtain(temporary, open));
    symlinkSync(cacheDir, join(execDir, "link"));
    await failing("exec cache: a folder that is a link", () => obtain(temporary, join(execDir, "link")));
    // Probe failures (items 7 and 8): a server that gives no answer, then one refusing a certificate minted moments ago.
    await obtain(temporary, cacheDir, { verifyEveryMs: 0, probe: async () => "unknown" });
    await failing("exec probe: a certificate minted moments ago refused by the server", () => obtain(temporary, cacheDir, { verifyEveryMs: 0, probe: async () => "rejected" }));
  } finally {
    rmSync(execDir, { recursive: true, force: true });
  }

  // One signature computed with signRequest, as the client signed its last fixed-clock call.
  const path = `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}`;
  const url = new URL(`${emulator.url}${path}`);
  const computed = signRequest(
    { method: "GET", url, headers: { Host: url.host, "Content-Type": "application/json", "X-Project-Id": DEFAULT_PROJECT_ID } },
    { accessKey: AK, secretKey: SK },
    { signingDate: fixedClock },
  ).signature;
  expect(sentSignatures).toContain(computed); // the scan covers what really went on the wire
}

const CONSOLE_METHODS = ["log", "info", "warn", "error", "debug"] as const;
let consoleLines: string[] = [];
let leaks: Leak[] = [];
let secrets: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({
    credentials: [
      { accessKey: AK, secretKey: SK },
      { accessKey: TEMP_AK, secretKey: TEMP_SK, securityToken: SECURITY_TOKEN },
    ],
    tokens: [IAM_TOKEN],
    identityProviders: [IDP.provider],
  });
  const spies = CONSOLE_METHODS.map((method) =>
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      consoleLines.push(format(...args));
    }),
  );
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(inspect(warning));
  process.on("warning", onWarning);
  try {
    await runBattery();
  } finally {
    process.off("warning", onWarning);
    for (const spy of spies) spy.mockRestore();
    consoleLines = [...consoleLines, ...warnings];
  }
  secrets = [
    AK,
    SK,
    WRONG_SK,
    TEMP_AK,
    TEMP_SK,
    SECURITY_TOKEN,
    IAM_TOKEN,
    ...ID_TOKENS,
    // The federated tokens and password sign-in tokens IAM issued.
    ...emulator.issuedCredentials().tokens,
    // Every key pair the emulator's IAM and metadata service issued (the instance's included).
    ...emulator.issuedCredentials().credentials.flatMap((c) => [c.accessKey, c.secretKey, c.securityToken ?? ""]).filter((v) => v !== ""),
    ...sentSignatures,
    ...[PLANTED_KEY, ...mintedKeys].flatMap(pemSecrets),
  ];
  const texts = [...produced, ...consoleLines.map((text, i) => ({ label: `console line ${i}`, text }))];
  leaks = findLeaks(
    texts.map((t) => t.text),
    secrets,
    texts.map((t) => t.label),
  );
}, 60_000);
afterAll(() => emulator.stop());

describe("secrets never leak", () => {
  test("the battery produced errors of every kind and saw the secrets it scans for", () => {
    expect(produced.filter((p) => p.label.endsWith(": message")).length).toBeGreaterThanOrEqual(30);
    // Requests alike within one second (retries) share a signature: X-Sdk-Date has whole seconds.
    expect(sentSignatures.size).toBeGreaterThanOrEqual(5);
    expect(mintedKeys).toHaveLength(5); // the client, the provider, three exec mints
  });

  test("no error message, String(error), JSON.stringify(error), stack, inspected error or console line holds a secret or a PEM block", () => {
    const report = leaks.map((l) => `${l.where}: ${l.secret === "PEM block" ? l.secret : `secret ${secrets.indexOf(l.secret)}`}`);
    expect(report).toEqual([]);
  });

  // Found by this suite: redact() removes long hex and base64 runs, not a 20-character access key, so
  // an echoed Authorization header put the AK in the message (fixed in 75c14b0 by scrubbing the
  // credentials of the call).
  test("an error body that echoes the access key does not carry it into the error", async () => {
    emulator.clearFaults();
    emulator.injectFault({
      status: 400,
      body: { error_code: "APIGW.0101", error_msg: `bad header Authorization: SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=host; ak ${AK} not exist` },
    });
    const error = await client()
      .getCluster(DEFAULT_CLUSTER_ID)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeDefined();
    const texts = [String(error), JSON.stringify(error), inspect(error)];
    expect(findLeaks(texts, [AK]).map((l) => l.where)).toEqual([]);
  });
});

describe("the scanner finds a planted leak of each kind", () => {
  const body = pemBlock(["RSA", "PRIVATE", "KEY"].join(" "), randomBytes(120));
  const found = (texts: string[], scanned: string[]) => findLeaks(texts, scanned).map((l) => l.where);

  test("a raw access key in a message", () => {
    expect(found([`failed for ${AK} today`], [AK])).toEqual(["text 0 at 11 (raw)"]);
  });

  test("a secret key in base64, at each of the three byte alignments within a larger base64 text", () => {
    for (const prefix of ["", "x", "xy"]) {
      const text = Buffer.from(`${prefix}secret=${SK};tail`).toString("base64");
      expect(found([text], [SK]).length).toBeGreaterThanOrEqual(1);
      expect(found([text.replace(/\+/g, "-").replace(/\//g, "_")], [SK]).length).toBeGreaterThanOrEqual(1);
    }
  });

  test("a token percent-encoded in a URL, and one in hex", () => {
    expect(found([`https://x/?t=${encodeURIComponent(`${IAM_TOKEN}`)}`], [IAM_TOKEN]).length).toBeGreaterThanOrEqual(1);
    expect(found([`k=${Buffer.from(SK).toString("hex")}`], [SK])).toEqual(["text 0 at 2 (hex)"]);
  });

  test("a signature in an Authorization header", () => {
    const signature = "0123456789abcdef".repeat(4);
    expect(found([`Authorization: SDK-HMAC-SHA256 Access=X, SignedHeaders=host, Signature=${signature}`], [signature])).toHaveLength(1);
  });

  test("a PEM key raw, JSON-escaped, base64-encoded, and one line of its body", () => {
    expect(found([`key: ${body}`], pemSecrets(body))).toEqual(expect.arrayContaining(["text 0 at 5 (raw)", "text 0 at 5 (PEM)"]));
    expect(found([JSON.stringify({ body })], pemSecrets(body))).toEqual(expect.arrayContaining([expect.stringContaining("(JSON-escaped)"), expect.stringContaining("(PEM)")]));
    const data = `client-key-data: ${Buffer.from(body).toString("base64")}`;
    expect(found([data], pemSecrets(body))).toEqual(expect.arrayContaining([expect.stringContaining("(base64+0)"), expect.stringContaining("(base64 PEM+0)")]));
    const secondLine = body.split("\n")[2]!;
    expect(found([`truncated ... ${secondLine} ...`], pemSecrets(body))).toHaveLength(1);
  });

  test("any PEM block, even one whose key is unknown", () => {
    expect(findLeaks([`x ${pemBlock("CERTIFICATE", randomBytes(30))}`], [])).toEqual([{ secret: "PEM block", where: "text 0 at 2 (PEM)" }]);
  });

  test("clean text has no hits, and a secret too short to scan for is refused", () => {
    expect(findLeaks(["CCE GET /api/v3/projects/p/clusters/c failed: HTTP 403 (request id abc)"], [AK, SK, IAM_TOKEN])).toEqual([]);
    expect(() => findLeaks(["x"], ["short"])).toThrow(RangeError);
  });
});
