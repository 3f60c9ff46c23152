import { X509Certificate } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { Agent, request } from "undici";
import type { Dispatcher } from "undici";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startEmulator } from "../../src/emulator";
import type { Emulator, EmulatorCredential, EmulatorOptions } from "../../src/emulator";
import { parseEmulatorConfig } from "../../src/emulator/config";
import { EmulatorError, InvalidInputError } from "../../src/errors";
import { signRequest } from "../../src/signing";
import { DAY_MS } from "../../src/constants";

const CLUSTER_PATH = `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}`;
const CERT_PATH = `${CLUSTER_PATH}/clustercert`;

interface CallOptions {
  body?: unknown;
  auth?: "aksk" | "token" | "none";
  credential?: EmulatorCredential;
  signingDate?: Date;
  headers?: Record<string, string>;
  dispatcher?: Dispatcher;
  /** Tamper with the signed headers before sending. */
  tamper?: (headers: Record<string, string>) => void;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: () => Record<string, unknown>;
}

async function call(emulator: Emulator, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const url = new URL(path, emulator.url);
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  let headers: Record<string, string> = { "Content-Type": "application/json", ...options.headers };
  const auth = options.auth ?? "aksk";
  if (auth === "aksk") {
    const signed = signRequest(
      { method, url, headers: { Host: url.host, ...headers }, body },
      options.credential ?? emulator.credentials[0]!,
      { signingDate: options.signingDate },
    );
    headers = signed.headers;
  } else if (auth === "token") {
    headers["X-Auth-Token"] = emulator.tokens[0]!;
  }
  options.tamper?.(headers);
  const res = await request(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher: options.dispatcher });
  const text = await res.body.text();
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) flat[k] = Array.isArray(v) ? v.join(", ") : String(v);
  return { status: res.statusCode, headers: flat, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const fromBase64 = (data: unknown): string => Buffer.from(String(data), "base64").toString("utf8");

interface Kubeconfig {
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, string> }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  "current-context": string;
}

const pemBlocks = (bundle: string): string[] => bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];

function credentialsOf(config: Kubeconfig): { cert: string; key: string; ca: string; server: string } {
  const cluster = config.clusters.find((c) => c.name === "internalCluster")!.cluster;
  return {
    cert: fromBase64(config.users[0]!.user["client-certificate-data"]),
    key: fromBase64(config.users[0]!.user["client-key-data"]),
    ca: fromBase64(cluster["certificate-authority-data"]),
    server: String(cluster.server),
  };
}

/** GET over mutual TLS, as kubectl would do it. */
function tlsGet(server: string, path: string, tls: { ca: string; cert: string; key: string }): Promise<{ status: number; body: string }> {
  const url = new URL(path, server);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: "GET", ...tls, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

async function mint(emulator: Emulator, path = CERT_PATH, body: unknown = { duration: 30 }): Promise<Kubeconfig> {
  const answer = await call(emulator, "POST", path, { body });
  expect(answer.status).toBe(200);
  return answer.json() as unknown as Kubeconfig;
}

describe("the CCE emulator", () => {
  let emulator: Emulator;
  const started: Emulator[] = [];
  async function start(options?: EmulatorOptions): Promise<Emulator> {
    const e = await startEmulator(options);
    started.push(e);
    return e;
  }

  beforeAll(async () => {
    emulator = await start({ projects: [{ id: DEFAULT_PROJECT_ID, clusters: [{ id: DEFAULT_CLUSTER_ID, name: "demo" }] }] });
  });
  afterEach(() => emulator.clearFaults());
  afterAll(async () => {
    await Promise.all(started.map((e) => e.stop()));
  });

  describe("POST clustercert", () => {
    test("mints a certificate issued under the cluster CA that the TLS endpoint accepts", async () => {
      const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
      const answer = await call(emulator, "POST", CERT_PATH, { body: { duration: 30 } });
      expect(answer.status).toBe(200);
      expect(answer.headers["port-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
      const config = answer.json() as unknown as Kubeconfig;
      expect(config).toMatchObject({ kind: "Config", apiVersion: "v1", preferences: {}, "current-context": "internal" });
      expect(config.clusters.map((c) => c.name)).toEqual(["internalCluster"]);
      expect(config.contexts).toEqual([{ name: "internal", context: { cluster: "internalCluster", user: "user" } }]);

      const tls = credentialsOf(config);
      expect(tls.server).toBe(emulator.clusterEndpoint(DEFAULT_CLUSTER_ID));
      expect(tls.ca).toBe(emulator.clusterCaPem(DEFAULT_CLUSTER_ID));
      expect(tls.key).toContain("PRIVATE KEY-----");
      const cert = new X509Certificate(tls.cert);
      const ca = new X509Certificate(tls.ca);
      // Issued by the caller's issuing CA, which the cluster's CA issued (src/emulator/issuers.ts).
      const issuers = pemBlocks((await emulator.handOverCluster(DEFAULT_CLUSTER_ID)).clientCaBundlePem()).map((pem) => new X509Certificate(pem));
      const issuer = issuers.find((i) => cert.checkIssued(i) && cert.verify(i.publicKey));
      expect(issuer?.checkIssued(ca) && issuer.verify(ca.publicKey) && issuer.ca).toBe(true);
      expect(issuer?.subject).toMatch(new RegExp(`^CN=${DEFAULT_CLUSTER_ID} issuer \\d+\nO=cce-emulator$`));
      // Control: the cluster's CA did not sign the client certificate itself.
      expect(cert.checkIssued(ca)).toBe(false);
      expect(ca.subject).toContain(`CN=${DEFAULT_CLUSTER_ID}`);
      expect(cert.subject).toContain("O=system:masters");
      expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);

      expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
      const issued = emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!;
      expect(issued).toMatchObject({ serialNumber: cert.serialNumber, accessKeyOrToken: "aksk", revoked: false });

      const version = await tlsGet(tls.server, "/version", tls);
      expect(version.status).toBe(200);
      expect(JSON.parse(version.body)).toMatchObject({ major: "1", minor: "31", gitVersion: "v1.31.0-cce-emulator" });
      expect((await tlsGet(tls.server, "/api", tls)).status).toBe(200);
      const missing = await tlsGet(tls.server, "/api/v1/nodes", tls);
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ kind: "Status", code: 404, reason: "NotFound" });
    });

    test("duration sets notAfter that many days after now and notBefore a minute before now", async () => {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const e = await start({ now: () => now });
      const config = await call(e, "POST", CERT_PATH, { body: { duration: 7 }, signingDate: now });
      const cert = new X509Certificate(credentialsOf(config.json() as unknown as Kubeconfig).cert);
      expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 7 * DAY_MS);
      expect(new Date(cert.validFrom).getTime()).toBe(now.getTime() - 60_000);
    });

    test("duration -1 means the maximum, five years", async () => {
      const now = new Date("2025-03-01T12:00:00Z");
      const e = await start({ now: () => now });
      const answer = await call(e, "POST", CERT_PATH, { body: { duration: -1 }, signingDate: now });
      expect(answer.status).toBe(200);
      expect(e.certificates()[0]!.notAfter.toISOString()).toBe("2030-03-01T12:00:00.000Z");
    });

    test("expire_at in CCE's form or ISO 8601 sets notAfter and wins over duration", async () => {
      const now = new Date("2025-01-01T00:00:00Z");
      const e = await start({ now: () => now });
      const cce = await call(e, "POST", CERT_PATH, {
        body: { duration: 3, expire_at: "2025-02-01 16:00:00 +0000 UTC" },
        signingDate: now,
      });
      expect(cce.status).toBe(200);
      const iso = await call(e, "POST", CERT_PATH, { body: { expire_at: "2025-02-02T18:00:00+02:00" }, signingDate: now });
      expect(iso.status).toBe(200);
      expect(e.certificates().map((c) => c.notAfter.toISOString())).toEqual([
        "2025-02-01T16:00:00.000Z",
        "2025-02-02T16:00:00.000Z",
      ]);
    });

    test.each([
      [{ duration: 0 }, "duration"],
      [{ duration: 1828 }, "duration"],
      [{ duration: "30" }, "duration"],
      [{}, "duration or expire_at"],
      [{ expire_at: "tomorrow" }, "expire_at"],
      [{ expire_at: new Date(Date.now() + 5 * 60_000).toISOString() }, "expire_at"],
      ["{not json", "JSON"],
    ])("400 in the Status shape for body %j, naming %s, and mints nothing", async (body, field) => {
      const before = emulator.mintCount();
      const answer = await call(emulator, "POST", CERT_PATH, { body });
      expect(answer.status).toBe(400);
      expect(answer.json()).toMatchObject({
        kind: "Status",
        status: "Failure",
        code: 400,
        errorCode: "CCE.01400001",
        reason: "BadRequest",
      });
      expect(answer.json().message).toContain(field);
      expect(emulator.mintCount()).toBe(before);
    });
  });

  describe("the discarded GET clustercert", () => {
    test("answers the same JSON with legacyGetValidityDays of validity", async () => {
      const now = new Date(Math.floor(Date.now() / 1000) * 1000);
      const e = await start({ now: () => now, legacyGetValidityDays: 10 });
      const answer = await call(e, "GET", CERT_PATH, { signingDate: now });
      expect(answer.status).toBe(200);
      expect(answer.headers["port-id"]).toBeUndefined();
      const cert = new X509Certificate(credentialsOf(answer.json() as unknown as Kubeconfig).cert);
      expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 10 * DAY_MS);
    });

    test("answers 404 when serveLegacyGet is false, like a cloud that dropped it", async () => {
      const e = await start({ serveLegacyGet: false });
      const answer = await call(e, "GET", CERT_PATH);
      expect(answer.status).toBe(404);
      expect(answer.json().errorCode).toBe("CCE.01404001");
      expect(e.mintCount()).toBe(0);
    });
  });

  test("an EIP adds the external clusters and contexts and makes external current", async () => {
    const e = await start({ projects: [{ id: DEFAULT_PROJECT_ID, clusters: [{ id: DEFAULT_CLUSTER_ID, eip: true }] }] });
    const config = await mint(e);
    const port = new URL(e.clusterEndpoint(DEFAULT_CLUSTER_ID)).port;
    const caData = Buffer.from(e.clusterCaPem(DEFAULT_CLUSTER_ID)).toString("base64");
    expect(config.clusters).toEqual([
      { name: "internalCluster", cluster: { server: `https://127.0.0.1:${port}`, "certificate-authority-data": caData } },
      { name: "externalCluster", cluster: { server: `https://localhost:${port}`, "insecure-skip-tls-verify": true } },
      { name: "externalClusterTLSVerify", cluster: { server: `https://localhost:${port}`, "certificate-authority-data": caData } },
    ]);
    expect(config.contexts.map((c) => [c.name, c.context.cluster, c.context.user])).toEqual([
      ["internal", "internalCluster", "user"],
      ["external", "externalCluster", "user"],
      ["externalTLSVerify", "externalClusterTLSVerify", "user"],
    ]);
    expect(config["current-context"]).toBe("external");
    const tls = credentialsOf(config);
    expect((await tlsGet(`https://localhost:${port}`, "/version", tls)).status).toBe(200);
  });

  describe("authentication", () => {
    const expectGatewayError = (answer: Answer, says: RegExp): void => {
      expect(answer.status).toBe(401);
      const body = answer.json();
      expect(body.error_code).toBe("APIGW.0301");
      expect(String(body.error_msg)).toMatch(/^Incorrect IAM authentication information: /);
      expect(String(body.error_msg)).toMatch(says);
      expect(body.request_id).toBe(answer.headers["x-request-id"]);
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    };

    test("a bad signature answers 401 APIGW.0301 without echoing the signature or keys", async () => {
      let signature = "";
      const answer = await call(emulator, "POST", CERT_PATH, {
        body: { duration: 1 },
        tamper: (headers) => {
          signature = /Signature=([0-9a-f]+)/.exec(headers["Authorization"]!)![1]!;
          headers["Authorization"] = headers["Authorization"]!.replace(/Signature=([0-9a-f])/, (_m, c: string) => `Signature=${c === "0" ? "1" : "0"}`);
        },
      });
      expectGatewayError(answer, /verify aksk signature fail/);
      expect(answer.text).not.toContain(signature.slice(1));
      expect(answer.text).not.toContain(emulator.credentials[0]!.secretKey);
      expect(answer.text).not.toContain(emulator.credentials[0]!.accessKey);
    });

    test("a body changed after signing fails the signature", async () => {
      const url = new URL(CERT_PATH, emulator.url);
      const signed = signRequest(
        { method: "POST", url, headers: { Host: url.host, "Content-Type": "application/json" }, body: '{"duration":1}' },
        emulator.credentials[0]!,
      );
      const res = await request(url, { method: "POST", headers: signed.headers, body: '{"duration":2}' });
      expect(res.statusCode).toBe(401);
      expect(await res.body.json()).toMatchObject({ error_code: "APIGW.0301" });
    });

    test("an unknown access key answers 401 APIGW.0301", async () => {
      const answer = await call(emulator, "POST", CERT_PATH, {
        body: { duration: 1 },
        credential: { accessKey: "UNKNOWNACCESSKEY0000", secretKey: "x" },
      });
      expectGatewayError(answer, /access key does not exist/);
      expect(answer.text).not.toContain("UNKNOWNACCESSKEY0000");
    });

    test("a date more than 15 minutes from the server's clock answers 401 APIGW.0301", async () => {
      const e = await start({ now: () => new Date(Date.now() + 16 * 60_000) });
      expectGatewayError(await call(e, "POST", CERT_PATH, { body: { duration: 1 } }), /expired/);
      const fine = await call(e, "POST", CERT_PATH, { body: { duration: 1 }, signingDate: new Date(Date.now() + 10 * 60_000) });
      expect(fine.status).toBe(200);
    });

    test("missing authentication answers 401 APIGW.0301", async () => {
      expectGatewayError(await call(emulator, "POST", CERT_PATH, { body: { duration: 1 }, auth: "none" }), /no X-Auth-Token/);
    });

    test("an X-Sdk-Date that is not signed answers 401", async () => {
      const answer = await call(emulator, "GET", CLUSTER_PATH, {
        tamper: (headers) => {
          headers["Authorization"] = headers["Authorization"]!.replace("x-sdk-date", "x-other");
        },
      });
      expectGatewayError(answer, /X-Sdk-Date is not among the signed headers/);
    });

    test("a signed query string and percent-encoded path verify", async () => {
      const answer = await call(emulator, "GET", `${CLUSTER_PATH.replace("clusters", "clu%73ters")}?b=2&a=x%20y`);
      expect(answer.status).toBe(200);
    });

    test("an accepted X-Auth-Token authenticates and a wrong one answers 401", async () => {
      const before = emulator.certificates().length;
      const ok = await call(emulator, "POST", CERT_PATH, { body: { duration: 1 }, auth: "token" });
      expect(ok.status).toBe(200);
      expect(emulator.certificates()[before]!.accessKeyOrToken).toBe("token");
      const wrong = await call(emulator, "POST", CERT_PATH, {
        body: { duration: 1 },
        auth: "none",
        headers: { "X-Auth-Token": "not-a-token" },
      });
      expectGatewayError(wrong, /X-Auth-Token is invalid/);
      expect(emulator.requests.at(-2)).toMatchObject({ auth: "token", status: 200 });
    });

    test("a credential with a security token requires it, signed", async () => {
      const temporary = { accessKey: "TEMPACCESSKEY0000000", secretKey: "temp-secret", securityToken: "temp-security-token" };
      const e = await start({ credentials: [temporary] });
      expect((await call(e, "GET", CLUSTER_PATH, { credential: temporary })).status).toBe(200);
      const permanent = { accessKey: temporary.accessKey, secretKey: temporary.secretKey };
      expectGatewayError(await call(e, "GET", CLUSTER_PATH, { credential: permanent }), /X-Security-Token is required/);
      const wrong = await call(e, "GET", CLUSTER_PATH, { credential: { ...temporary, securityToken: "other" } });
      expectGatewayError(wrong, /X-Security-Token does not match/);
      expect(wrong.text).not.toContain("temp-security-token");
    });
  });

  describe("404 and 403", () => {
    test("an unknown project answers 404 CCE.01404001 naming the project", async () => {
      const answer = await call(emulator, "POST", `/api/v3/projects/${"f".repeat(32)}/clusters/${DEFAULT_CLUSTER_ID}/clustercert`, {
        body: { duration: 1 },
      });
      expect(answer.status).toBe(404);
      expect(answer.json()).toEqual({ errorCode: "CCE.01404001", errorMessage: `project ${"f".repeat(32)} not found` });
      expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f]{32}$/);
    });

    test("a deleted cluster answers 404 CCE.01404001 and mints nothing", async () => {
      const id = "7d9e4a10-0000-4000-8000-000000000001";
      await emulator.addCluster(DEFAULT_PROJECT_ID, { id });
      const path = `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${id}`;
      expect((await call(emulator, "GET", path)).status).toBe(200);
      emulator.deleteCluster(id);
      const answer = await call(emulator, "POST", `${path}/clustercert`, { body: { duration: 1 } });
      expect(answer.status).toBe(404);
      expect(answer.json()).toEqual({ errorCode: "CCE.01404001", errorMessage: `cluster ${id} not found` });
      expect(emulator.mintCount(id)).toBe(0);
    });

    test("an X-Project-Id other than the path's project answers 403 CCE.01403001", async () => {
      const answer = await call(emulator, "GET", CLUSTER_PATH, { headers: { "X-Project-Id": "b".repeat(32) } });
      expect(answer.status).toBe(403);
      expect(answer.json()).toEqual({
        errorCode: "CCE.01403001",
        errorMessage: `X-Project-Id does not match project ${DEFAULT_PROJECT_ID} of the path`,
      });
      expect((await call(emulator, "GET", CLUSTER_PATH, { headers: { "X-Project-Id": DEFAULT_PROJECT_ID } })).status).toBe(200);
    });

    test("other paths answer 404", async () => {
      const answer = await call(emulator, "GET", "/api/v3/projects");
      expect(answer.status).toBe(404);
      expect(answer.json().errorCode).toBe("CCE.01404001");
    });
  });

  test("show cluster answers the cluster without minting", async () => {
    const before = emulator.mintCount();
    const answer = await call(emulator, "GET", CLUSTER_PATH);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({
      kind: "Cluster",
      apiVersion: "v3",
      metadata: { uid: DEFAULT_CLUSTER_ID, name: "demo" },
      status: { phase: "Available", endpoints: [{ url: emulator.clusterEndpoint(DEFAULT_CLUSTER_ID), type: "Internal" }] },
    });
    expect(emulator.mintCount()).toBe(before);
  });

  describe("faults", () => {
    test("a 503 with Retry-After answers once, then the request is served, and the faulted one mints nothing", async () => {
      const e = await start();
      e.injectFault({ method: "POST", path: "/clustercert", status: 503, headers: { "Retry-After": "1" } });
      const first = await call(e, "POST", CERT_PATH, { body: { duration: 1 } });
      expect(first.status).toBe(503);
      expect(first.headers["retry-after"]).toBe("1");
      expect(e.mintCount()).toBe(0);
      expect((await call(e, "POST", CERT_PATH, { body: { duration: 1 } })).status).toBe(200);
      expect(e.mintCount()).toBe(1);
      expect(e.requests.map((r) => [r.status, r.fault, r.auth])).toEqual([
        [503, true, "none"],
        [200, false, "aksk"],
      ]);
    });

    test("faults match by method and path regex, in order, `times` times", async () => {
      emulator.injectFault({ method: "GET", path: /\/clustercert$/, status: 500, times: 2 });
      emulator.injectFault({ status: 429 });
      expect((await call(emulator, "POST", CERT_PATH, { body: { duration: 1 } })).status).toBe(429);
      expect((await call(emulator, "GET", CERT_PATH)).status).toBe(500);
      const second = await call(emulator, "GET", CERT_PATH);
      expect(second.status).toBe(500);
      expect(second.json()).toEqual({ errorCode: "CCE.01500001", errorMessage: "Internal Server Error" });
      expect((await call(emulator, "GET", CLUSTER_PATH)).status).toBe(200);
    });

    test("a delay alone answers normally after the delay", async () => {
      emulator.injectFault({ delayMs: 150 });
      const t0 = Date.now();
      expect((await call(emulator, "GET", CLUSTER_PATH)).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
      expect(emulator.requests.at(-1)).toMatchObject({ fault: true, status: 200 });
    });

    test("a reset before headers fails the request and the next one is served", async () => {
      const e = await start();
      e.injectFault({ reset: "before-headers" });
      await expect(call(e, "POST", CERT_PATH, { body: { duration: 1 } })).rejects.toThrow();
      expect((await call(e, "POST", CERT_PATH, { body: { duration: 1 } })).status).toBe(200);
      expect(e.mintCount()).toBe(1);
      expect(e.requests[0]).toMatchObject({ status: 0, fault: true });
    });

    test("a reset after headers delivers the status and then fails the body", async () => {
      emulator.injectFault({ reset: "after-headers", status: 200 });
      const res = await request(new URL(CLUSTER_PATH, emulator.url), { method: "GET" });
      expect(res.statusCode).toBe(200);
      await expect(res.body.text()).rejects.toThrow();
    });

    test("a truncated body fails after a partial read", async () => {
      emulator.injectFault({ truncate: true });
      const res = await request(new URL(CERT_PATH, emulator.url), { method: "POST", body: "{}" });
      expect(res.statusCode).toBe(200);
      expect(Number(res.headers["content-length"])).toBeGreaterThan(0);
      await expect(res.body.text()).rejects.toThrow();
    });
  });

  describe("the cluster TLS endpoints", () => {
    test("refuse a certificate minted for another cluster", async () => {
      const other = "3b1f6c2e-1111-4222-8333-444455556666";
      const e = await start({
        projects: [{ id: DEFAULT_PROJECT_ID, clusters: [{ id: DEFAULT_CLUSTER_ID }, { id: other }] }],
      });
      const mine = credentialsOf(await mint(e));
      const endpoint = e.clusterEndpoint(other);
      expect(endpoint).not.toBe(mine.server);
      const theirs = { ...mine, ca: e.clusterCaPem(other) };
      await expect(tlsGet(endpoint, "/version", theirs)).rejects.toThrow();
      expect((await tlsGet(mine.server, "/version", mine)).status).toBe(200);
    });

    test("answer 401 to a revoked certificate after clustercertrevoke", async () => {
      const e = await start();
      const tls = credentialsOf(await mint(e));
      const userId = new X509Certificate(tls.cert).subject.split("CN=")[1]!;
      const revoke = await call(e, "POST", `${CLUSTER_PATH}/clustercertrevoke`, { body: { userId } });
      expect(revoke.status).toBe(200);
      expect(revoke.text).toBe("");
      expect(e.revokeCount(DEFAULT_CLUSTER_ID)).toBe(1);
      expect(e.certificates()[0]!.revoked).toBe(true);
      const answer = await tlsGet(tls.server, "/version", tls);
      expect(answer.status).toBe(401);
      const fresh = credentialsOf(await mint(e));
      expect((await tlsGet(fresh.server, "/version", fresh)).status).toBe(200);
      const bad = await call(e, "POST", `${CLUSTER_PATH}/clustercertrevoke`, { body: {} });
      expect(bad.status).toBe(400);
      expect(e.revokeCount()).toBe(1);
    });
  });

  describe("clustercertrevoke", () => {
    const REVOKE_PATH = `${CLUSTER_PATH}/clustercertrevoke`;
    const admin = { accessKey: "AKREVOKEADMIN0000001", secretKey: "SKrevoke-admin-secret-00000000000000001" };
    const plain = { accessKey: "AKREVOKEPLAIN0000001", secretKey: "SKrevoke-plain-secret-00000000000000001", admin: false };
    const idOf = async (e: Emulator, credential: EmulatorCredential) => {
      const answer = await call(e, "POST", CERT_PATH, { body: { duration: 1 }, credential });
      return new X509Certificate(credentialsOf(answer.json() as unknown as Kubeconfig).cert).subject.split("CN=")[1]!;
    };

    test("answers 400 CCE.01400001 to both, neither, empty or non-string ids, revoking nothing", async () => {
      const e = await start({ credentials: [admin] });
      for (const body of [{ userId: "a", agencyId: "b" }, {}, { userId: "" }, { agencyId: 7 }, "not json", []]) {
        const answer = await call(e, "POST", REVOKE_PATH, { body, credential: admin });
        expect([answer.status, answer.json()["errorCode"], answer.json()["message"]]).toEqual([400, "CCE.01400001", "send exactly one of userId or agencyId, a non-empty string"]);
      }
      expect(e.revokeCount()).toBe(0);
      // Control: one id is accepted.
      expect((await call(e, "POST", REVOKE_PATH, { body: { agencyId: "b" }, credential: admin })).status).toBe(200);
      expect(e.revokeCount()).toBe(1);
    });

    test("answers 404 CCE.01404001 for an unknown cluster, and Autopilot's path has no revoke", async () => {
      const autopilot = "7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
      const e = await start({ credentials: [admin], projects: [{ id: DEFAULT_PROJECT_ID, clusters: [{ id: DEFAULT_CLUSTER_ID }, { id: autopilot, kind: "autopilot" }] }] });
      const unknown = await call(e, "POST", `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/00000000-0000-4000-8000-000000000000/clustercertrevoke`, { body: { userId: "a" }, credential: admin });
      expect([unknown.status, unknown.json()["errorCode"]]).toEqual([404, "CCE.01404001"]);
      const pilot = await call(e, "POST", `/autopilot/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${autopilot}/clustercertrevoke`, { body: { userId: "a" }, credential: admin });
      expect([pilot.status, pilot.json()["errorCode"]]).toEqual([404, "CCE.01404001"]);
      expect(e.revokeCount()).toBe(0);
    });

    test("a plain IAM user may revoke only its own certificates (403 CCE.01403001 for another's); an administrator anyone's", async () => {
      const e = await start({ credentials: [admin, plain] });
      const [adminId, plainId] = [await idOf(e, admin), await idOf(e, plain)];
      const refused = await call(e, "POST", REVOKE_PATH, { body: { userId: adminId }, credential: plain });
      expect([refused.status, refused.json()["errorCode"]]).toEqual([403, "CCE.01403001"]);
      expect(e.certificates().map((c) => c.revoked)).toEqual([false, false]);
      expect((await call(e, "POST", REVOKE_PATH, { body: { userId: plainId }, credential: plain })).status).toBe(200);
      expect(e.certificates().map((c) => c.revoked)).toEqual([false, true]);
      expect((await call(e, "POST", REVOKE_PATH, { body: { userId: adminId }, credential: admin })).status).toBe(200);
      expect(e.certificates().map((c) => c.revoked)).toEqual([true, true]);
      expect(e.revokeCount(DEFAULT_CLUSTER_ID)).toBe(2);
    });

    test("certificates carry CN = the caller's IAM user id; a revoke ends only those of the id named, and later ones work", async () => {
      const e = await start({ credentials: [admin, plain] });
      const [adminId, plainId] = [await idOf(e, admin), await idOf(e, plain)];
      expect([adminId, plainId].every((id) => /^[0-9a-f]{32}$/.test(id)) && adminId !== plainId).toBe(true);
      await call(e, "POST", REVOKE_PATH, { body: { userId: plainId }, credential: admin });
      await idOf(e, plain);
      expect(e.certificates().map((c) => [c.subject, c.revoked])).toEqual([
        [`O=system:masters, CN=${adminId}`, false],
        [`O=system:masters, CN=${plainId}`, true],
        [`O=system:masters, CN=${plainId}`, false],
      ]);
    });
  });

  test("keep-alive reuses one socket, and socketCount counts accepted connections", async () => {
    const e = await start();
    const agent = new Agent({ connections: 1 });
    try {
      for (let i = 0; i < 3; i++) expect((await call(e, "GET", CLUSTER_PATH, { dispatcher: agent })).status).toBe(200);
      expect(e.socketCount()).toBe(1);
    } finally {
      await agent.close();
    }
    const other = new Agent();
    try {
      await call(e, "GET", CLUSTER_PATH, { dispatcher: other });
      expect(e.socketCount()).toBe(2);
    } finally {
      await other.close();
    }
  });

  test("recorded requests hold no secrets", async () => {
    const e = await start();
    await call(e, "POST", CERT_PATH, { body: { duration: 1 } });
    await call(e, "POST", CERT_PATH, { body: { duration: 1 }, auth: "token" });
    const recorded = JSON.stringify(e.requests);
    expect(e.requests).toHaveLength(2);
    expect(e.requests[0]).toMatchObject({ method: "POST", path: CERT_PATH, projectId: DEFAULT_PROJECT_ID, clusterId: DEFAULT_CLUSTER_ID });
    for (const secret of [e.credentials[0]!.secretKey, e.tokens[0]!, "Signature", "PRIVATE KEY"]) {
      expect(recorded).not.toContain(secret);
    }
    e.clearRequests();
    expect(e.requests).toHaveLength(0);
  });

  test("addCluster adds a project and a live TLS endpoint; stop is idempotent and closes them", async () => {
    const e = await startEmulator();
    const project = "a".repeat(32);
    const cluster = "9f8e7d6c-5b4a-4321-8fed-cba987654321";
    await e.addCluster(project, { id: cluster });
    expect(e.projectIds).toEqual([DEFAULT_PROJECT_ID, project]);
    const tls = credentialsOf(await mint(e, `/api/v3/projects/${project}/clusters/${cluster}/clustercert`));
    expect(tls.server).toBe(e.clusterEndpoint(cluster));
    expect((await tlsGet(tls.server, "/version", tls)).status).toBe(200);
    await expect(e.addCluster(project, { id: cluster })).rejects.toThrow(/already exists/);
    await Promise.all([e.stop(), e.stop()]);
    await e.stop();
    await expect(tlsGet(tls.server, "/version", tls)).rejects.toThrow();
    await expect(request(e.url)).rejects.toThrow();
  });

  test("a config file is validated strictly and never echoes values", () => {
    expect(parseEmulatorConfig('{"port": 0, "projects": [{"id": "p", "clusters": [{"id": "c", "eip": true}]}]}', "f.json")).toEqual({
      port: 0,
      projects: [{ id: "p", clusters: [{ id: "c", eip: true }] }],
    });
    expect(() => parseEmulatorConfig('{"credentials": [{"accessKey": "A", "secretKey": "s3cr3t", "extra": 1}]}', "f.json")).toThrow(
      'f.json: is not a valid emulator config (credentials.0: Unrecognized key: "extra")',
    );
    expect(() => parseEmulatorConfig('{"credentials": [{"accessKey": "A", "secretKey": 12345}]}', "f.json")).toThrow(
      "f.json: is not a valid emulator config (credentials.0.secretKey: Invalid input: expected string, received number)",
    );
    expect(() => parseEmulatorConfig("{", "f.json")).toThrow(new InvalidInputError("f.json", "is not valid JSON"));
  });
});

test("preissuedCertificates answers a caller's calls with one certificate, still authenticated and counted", async () => {
  const e = await startEmulator({ preissuedCertificates: true });
  try {
    const { CceClient } = await import("../../src/api/client");
    const { accessKey, secretKey } = e.credentials[0]!;
    const client = new CceClient({ endpoint: e.url, projectId: DEFAULT_PROJECT_ID, credentials: { kind: "aksk", accessKey, secretKey } });
    const certificate = async () => (await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })).config.users[0]!.user["client-certificate-data"];
    const [first, second] = [await certificate(), await certificate()];
    expect(second).toBe(first);
    expect(e.mintCount(DEFAULT_CLUSTER_ID)).toBe(2);
    const wrong = new CceClient({ endpoint: e.url, projectId: DEFAULT_PROJECT_ID, credentials: { kind: "aksk", accessKey, secretKey: `${secretKey}x` } });
    await expect(wrong.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 })).rejects.toMatchObject({ status: 401 });
  } finally {
    await e.stop();
  }
  // Control: without the option, every call mints a certificate of its own.
  const plain = await startEmulator();
  try {
    const { CceClient } = await import("../../src/api/client");
    const { accessKey, secretKey } = plain.credentials[0]!;
    const client = new CceClient({ endpoint: plain.url, projectId: DEFAULT_PROJECT_ID, credentials: { kind: "aksk", accessKey, secretKey } });
    const a = await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    const b = await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    expect(b.config.users[0]!.user["client-certificate-data"]).not.toBe(a.config.users[0]!.user["client-certificate-data"]);
  } finally {
    await plain.stop();
  }
});

test("the emulator's clock (the now option) also dates its clusters' CAs", async () => {
  const then = new Date("2030-06-01T12:00:00Z");
  const e = await startEmulator({ now: () => then });
  try {
    const ca = new X509Certificate(e.clusterCaPem(DEFAULT_CLUSTER_ID));
    expect(new Date(ca.validFrom).getTime()).toBe(then.getTime() - DAY_MS);
    expect(new Date(ca.validTo).getTime()).toBeGreaterThan(then.getTime() + 5 * 366 * DAY_MS);
  } finally {
    await e.stop();
  }
});

test("the emulator's own errors are this package's error classes, with codes", async () => {
  const e = await startEmulator();
  try {
    expect(() => e.clusterEndpoint("no-such-cluster")).toThrow(EmulatorError);
    await expect(e.addCluster(DEFAULT_PROJECT_ID, { id: DEFAULT_CLUSTER_ID })).rejects.toMatchObject({
      code: "CCE_EMULATOR_ERROR",
      message: `cluster ${DEFAULT_CLUSTER_ID} already exists`,
    });
    expect(() => e.backdateCertificates(-1)).toThrow(InvalidInputError);
    expect(() => e.injectFault({ times: 0 })).toThrow("FaultSpec.times: must be a positive integer or Infinity");
  } finally {
    await e.stop();
  }
  await expect(startEmulator({ port: 70_000 })).rejects.toMatchObject({ name: "InvalidInputError", code: "CCE_INVALID_INPUT", field: "port" });
  expect(() => parseEmulatorConfig("{", "f.json")).toThrow(InvalidInputError);
});

test("backdateCertificates stamps later certificates as issued that many days ago", async () => {
  const e = await startEmulator();
  try {
    const { accessKey, secretKey } = e.credentials[0]!;
    const { CceClient } = await import("../../src/api/client");
    const client = new CceClient({ endpoint: e.url, projectId: DEFAULT_PROJECT_ID, credentials: { kind: "aksk", accessKey, secretKey } });
    e.backdateCertificates(300);
    await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 365 });
    e.backdateCertificates(0);
    await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 365 });
    const [old, fresh] = e.certificates(DEFAULT_CLUSTER_ID).map((c) => (c.notAfter.getTime() - Date.now()) / DAY_MS);
    expect(old).toBeCloseTo(65, 0);
    expect(fresh).toBeCloseTo(365, 0);
  } finally {
    await e.stop();
  }
});
