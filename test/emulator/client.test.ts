import { X509Certificate } from "node:crypto";
import type { Emulator } from "../../src/emulator";
import { CceApiError } from "../../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { DAY_MS } from "../../src/constants";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator({
    credentials: [
      { accessKey: "AKTESTCLIENT0000", secretKey: "SKtestclient-secret-0000" },
      { accessKey: "AKTEMPORARY00000", secretKey: "SKtemporary-secret-0000", securityToken: "sts-token-0000" },
    ],
    tokens: ["iam-token-0000"],
  });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

const certOf = (data: string) => new X509Certificate(Buffer.from(data, "base64").toString("utf8"));
const daysLeft = (cert: X509Certificate) => (Date.parse(cert.validTo) - Date.now()) / DAY_MS;

async function expectApiError(promise: Promise<unknown>): Promise<CceApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CceApiError);
  return error as CceApiError;
}

describe("CceClient against the emulator", () => {
  test("POST clustercert with AK/SK returns a certificate valid for the requested duration", async () => {
    const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
    const issued = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 30 });
    expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
    expect(issued.config.contexts.map((c) => c.name)).toEqual(["internal"]);
    expect(issued.requestId).toMatch(/^[0-9a-f-]+$/i);
    expect(daysLeft(certOf(issued.config.users[0]!.user["client-certificate-data"]))).toBeCloseTo(30, 0);
  });

  test("POST with expireAt sends expire_at and gets that expiry", async () => {
    const expireAt = new Date(Date.now() + 3 * DAY_MS);
    expireAt.setUTCMilliseconds(0);
    const issued = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { expireAt });
    expect(Date.parse(certOf(issued.config.users[0]!.user["client-certificate-data"]).validTo)).toBe(expireAt.getTime());
  });

  test("the discarded GET clustercert mints with the server's default validity", async () => {
    const issued = await clientOf(emulator).getClusterCertificateLegacy(DEFAULT_CLUSTER_ID);
    expect(daysLeft(certOf(issued.config.users[0]!.user["client-certificate-data"]))).toBeCloseTo(365, 0);
    expect(emulator.requests.at(-1)).toMatchObject({ method: "GET", status: 200, auth: "aksk" });
  });

  test("temporary credentials send a signed security token", async () => {
    const client = clientOf(emulator, {
      credentials: { kind: "aksk", accessKey: "AKTEMPORARY00000", secretKey: "SKtemporary-secret-0000", securityToken: "sts-token-0000" },
    });
    await expect(client.getCluster(DEFAULT_CLUSTER_ID)).resolves.toBeDefined();
  });

  test("an IAM token is sent as X-Auth-Token", async () => {
    const client = clientOf(emulator, { credentials: { kind: "token", token: "iam-token-0000" } });
    await client.getCluster(DEFAULT_CLUSTER_ID);
    expect(emulator.requests.at(-1)).toMatchObject({ auth: "token", status: 200 });
  });

  test("credentials may be resolved at call time", async () => {
    const client = clientOf(emulator, {
      credentials: async () => ({ kind: "aksk", accessKey: "AKTESTCLIENT0000", secretKey: "SKtestclient-secret-0000" }),
    });
    await expect(client.getCluster(DEFAULT_CLUSTER_ID)).resolves.toBeDefined();
  });
});

describe("CceApiError from each error shape", () => {
  test("a gateway 401 (error_code) names APIGW.0301 and the request id, never the key", async () => {
    const client = clientOf(emulator, {
      credentials: { kind: "aksk", accessKey: "AKTESTCLIENT0000", secretKey: "wrong-secret-key-0000" },
    });
    const error = await expectApiError(client.getCluster(DEFAULT_CLUSTER_ID));
    expect(error).toMatchObject({ status: 401, apiCode: "APIGW.0301", code: "CCE_API_ERROR", attempts: 1 });
    expect(error.requestId).toBeTruthy();
    expect(error.message).toContain(`HTTP 401 APIGW.0301`);
    expect(error.message).toContain(`request id ${error.requestId}`);
    expect(error.message).not.toContain("wrong-secret-key-0000");
    expect(emulator.requests).toHaveLength(1); // a 401 is not retried
  });

  test("a CCE 404 (errorCode) for a missing cluster", async () => {
    const error = await expectApiError(clientOf(emulator).getCluster("00000000-0000-0000-0000-000000000000"));
    expect(error).toMatchObject({ status: 404, apiCode: "CCE.01404001", isNotFound: true });
    expect(error.message).toMatch(/^CCE GET \/api\/v3\/projects\/[0-9a-f]+\/clusters\/0{8}-.* failed: HTTP 404 CCE\.01404001/);
  });

  test("a Status-shaped 400 for a duration the server refuses", async () => {
    const error = await expectApiError(clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 5000 }));
    expect(error).toMatchObject({ status: 400, apiCode: "CCE.01400001" });
    expect(error.apiMessage).toMatch(/duration/);
  });

  test("an unknown project is a 404", async () => {
    const error = await expectApiError(
      clientOf(emulator, { projectId: "ffffffffffffffffffffffffffffffff" }).getCluster(DEFAULT_CLUSTER_ID),
    );
    expect(error.status).toBe(404);
  });
});

describe("retries", () => {
  test("429 with Retry-After, then success: one certificate minted", async () => {
    const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
    emulator.injectFault({ path: "/clustercert", status: 429, times: 2, headers: { "Retry-After": "0" }, body: { errorCode: "CCE.01429002", errorMessage: "locked" } });
    await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 10 });
    expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  test("503 then success", async () => {
    emulator.injectFault({ status: 503, body: "<html>busy</html>" });
    await expect(clientOf(emulator).getCluster(DEFAULT_CLUSTER_ID)).resolves.toBeDefined();
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  test("retries stop at maxRetries and the error counts the attempts", async () => {
    emulator.injectFault({ status: 500, times: 10, body: { errorCode: "CCE.01500001", errorMessage: "internal error" } });
    const error = await expectApiError(clientOf(emulator, { retry: { maxRetries: 2, baseDelayMs: 1 } }).getCluster(DEFAULT_CLUSTER_ID));
    expect(error).toMatchObject({ status: 500, apiCode: "CCE.01500001", attempts: 3 });
    expect(emulator.requests).toHaveLength(3);
  });

  test("403 is not retried", async () => {
    emulator.injectFault({ status: 403, body: { errorCode: "CCE.01403001", errorMessage: "Forbidden" } });
    const error = await expectApiError(clientOf(emulator).getCluster(DEFAULT_CLUSTER_ID));
    expect(error).toMatchObject({ status: 403, apiCode: "CCE.01403001", attempts: 1 });
    expect(error.message).toContain("cce:cluster:generateClientCredential");
  });

  test("a response slower than the timeout fails as a timeout", async () => {
    emulator.injectFault({ delayMs: 1_000, times: 5 });
    const started = Date.now();
    const error = await expectApiError(clientOf(emulator, { timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } }).getCluster(DEFAULT_CLUSTER_ID));
    expect(error.code).toBe("CCE_NETWORK_ERROR");
    expect(error.message).toContain("timed out (100 ms per attempt) after 2 attempts");
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe("response validation", () => {
  test("a body of the wrong shape names the bad field", async () => {
    emulator.injectFault({
      path: "/clustercert",
      status: 200,
      body: { kind: "Config", clusters: [], users: [], contexts: [], "current-context": "internal" },
    });
    const error = await expectApiError(clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 }));
    expect(error.code).toBe("CCE_INVALID_RESPONSE");
    expect(error.issues?.map((i) => i.path)).toEqual(expect.arrayContaining(["clusters", "users", "contexts"]));
    expect(error.message).toContain("returned an invalid response: clusters is empty");
    expect(emulator.requests).toHaveLength(1); // a 2xx is never retried: it may have minted
  });

  test("a 200 that is not JSON is an error, not a crash", async () => {
    emulator.injectFault({ path: "/clustercert", status: 200, body: "<html>proxy</html>" });
    const error = await expectApiError(clientOf(emulator).getClusterCertificateLegacy(DEFAULT_CLUSTER_ID));
    expect(error.message).toContain("body that is not JSON");
  });
});

// This test once asserted nothing: its `.rejects` was not awaited (issue #10). The type-aware lint
// (no-floating-promises) now refuses that.
test("the client refuses ids that would change the path, before sending anything", async () => {
  await expect(clientOf(emulator).getCluster("../x")).rejects.toThrow("clusterId: must be 1 to 128 letters");
  await expect(clientOf(emulator).createClusterCertificate("a/../../b", { duration: 1 })).rejects.toThrow("clusterId: must be 1 to 128 letters");
  expect(() => clientOf(emulator, { projectId: "a/b" })).toThrow("projectId: must be 1 to 128 letters");
  expect(emulator.requests).toEqual([]);
  expect(DEFAULT_PROJECT_ID).toMatch(/^[0-9a-f]{32}$/);
});

describe("revokeCertificates", () => {
  const REVOKE = `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}/clustercertrevoke`;
  const userIdOf = (data: string) => certOf(data).subject.split("CN=")[1]!;

  test("POST clustercertrevoke with {userId} ends that user's certificates and answers the request id", async () => {
    const { config } = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
    const userId = userIdOf(config.users[0]!.user["client-certificate-data"]);
    const revokes = emulator.revokeCount(DEFAULT_CLUSTER_ID);
    const result = await clientOf(emulator).revokeCertificates(DEFAULT_CLUSTER_ID, { userId });
    expect(result.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(emulator.requests.at(-1)).toMatchObject({ method: "POST", path: REVOKE, status: 200, auth: "aksk" });
    expect(emulator.revokeCount(DEFAULT_CLUSTER_ID)).toBe(revokes + 1);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).filter((c) => c.subject.endsWith(userId)).every((c) => c.revoked)).toBe(true);
  });

  test("{agencyId} is sent as agencyId", async () => {
    await expect(clientOf(emulator).revokeCertificates(DEFAULT_CLUSTER_ID, { agencyId: "0123456789abcdef0123456789abcdef" })).resolves.toBeDefined();
    expect(emulator.requests.at(-1)).toMatchObject({ path: REVOKE, status: 200 });
  });

  test("both, neither or a malformed id are refused before anything is sent, naming the field", async () => {
    const client = clientOf(emulator);
    const bad: unknown[] = [{ userId: "a", agencyId: "b" }, {}, { userId: "" }, { agencyId: "x/../y" }, { userId: 7 }];
    const fields = ["userId", "userId", "userId", "agencyId", "userId"];
    for (const [i, target] of bad.entries()) {
      await expect(client.revokeCertificates(DEFAULT_CLUSTER_ID, target as { userId: string })).rejects.toMatchObject({ code: "CCE_INVALID_INPUT", field: fields[i] });
    }
    expect(emulator.requests).toEqual([]);
  });

  test("an Autopilot client refuses, naming clusterKind, and sends nothing", async () => {
    await expect(clientOf(emulator, { clusterKind: "autopilot" }).revokeCertificates(DEFAULT_CLUSTER_ID, { userId: "a" })).rejects.toMatchObject({
      code: "CCE_INVALID_INPUT",
      field: "clusterKind",
    });
    expect(emulator.requests).toEqual([]);
  });

  test("429 and 500 are retried like a read, then the revoke succeeds once", async () => {
    emulator.injectFault({ path: "/clustercertrevoke", status: 429, headers: { "Retry-After": "0" }, body: { errorCode: "CCE.01429002", errorMessage: "locked" } });
    emulator.injectFault({ path: "/clustercertrevoke", status: 500, body: { errorCode: "CCE.01500001", errorMessage: "internal error" } });
    const revokes = emulator.revokeCount();
    await clientOf(emulator).revokeCertificates(DEFAULT_CLUSTER_ID, { userId: "0123456789abcdef0123456789abcdef" });
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 500, 200]);
    expect(emulator.revokeCount()).toBe(revokes + 1);
  });

  test("a 403 is a CceApiError with CCE.01403001, not retried", async () => {
    emulator.injectFault({ path: "/clustercertrevoke", status: 403, body: { errorCode: "CCE.01403001", errorMessage: "Forbidden" } });
    const error = await expectApiError(clientOf(emulator).revokeCertificates(DEFAULT_CLUSTER_ID, { userId: "a" }));
    expect([error.status, error.apiCode, error.attempts, error.method, error.path]).toEqual([403, "CCE.01403001", 1, "POST", REVOKE]);
    expect(error.message.startsWith(`CCE POST ${REVOKE} `) && error.message.includes("CCE.01403001")).toBe(true);
  });
});
