/**
 * The CertificateRevocation operations (src/resources/certificate-revocation) against the emulator
 * over HTTP: check names every bad input and sends nothing; create revokes once; read, update and
 * delete call nothing; every change of an input, triggers included, replaces (and so revokes again).
 * The real engine drives them in test/e2e/certificate-revocation-engine.test.ts.
 */
import { X509Certificate } from "node:crypto";
import type { Emulator } from "../../src/emulator";
import { UNKNOWN } from "../../src/protocol";
import { createRevocationOperations, type RevocationOutputs } from "../../src/resources/certificate-revocation/operations";
import { CERTIFICATE_REVOCATION_SCHEMA, CERTIFICATE_REVOCATION_TYPE } from "../../src/resources/certificate-revocation/schema";
import { REVOCATION_INPUT_NAMES, type RevocationInputs } from "../../src/resources/certificate-revocation/inputs";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { CLOSED_METADATA_URL } from "../helpers/cloud-free-env";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

function operations() {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  const env = { HW_ACCESS_KEY: accessKey, HW_SECRET_KEY: secretKey, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ECS_METADATA_URL: CLOSED_METADATA_URL };
  return createRevocationOperations({ env, client: { sleep: async () => undefined } });
}

async function checked(news: Record<string, unknown>): Promise<RevocationInputs> {
  const result = await operations().check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...news });
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as RevocationInputs;
}

async function userId(): Promise<string> {
  const { config } = await clientOf(emulator).createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 1 });
  return new X509Certificate(Buffer.from(config.users[0]!.user["client-certificate-data"], "base64")).subject.split("CN=")[1]!;
}

describe("check", () => {
  test.each([
    ["both ids", { userId: "a", agencyId: "b" }, [{ property: "userId", reason: "set exactly one of userId or agencyId: whose certificates (every one, on this cluster) to revoke" }]],
    ["neither id", {}, [{ property: "userId", reason: "set exactly one of userId or agencyId: whose certificates (every one, on this cluster) to revoke" }]],
    ["a malformed id", { userId: "a/b" }, [{ property: "userId", reason: `must be 1 to 128 letters, digits, '-' or '_' (an IAM user or agency id is 32 hex characters); got a 3-character string` }]],
    ["triggers that are no array", { userId: "a", triggers: "x" }, [{ property: "triggers", reason: `must be an array; got "x"` }]],
    ["an unknown input", { userId: "a", userid: "a" }, expect.arrayContaining([expect.objectContaining({ property: "userid" })])],
    ["an Autopilot cluster", { userId: "a", clusterKind: "autopilot" }, [{ property: "clusterKind", reason: "Autopilot clusters document no clustercertrevoke call; revoke their certificates from the CCE console" }]],
  ])("%s: a failure naming the input, nothing sent", async (_name, news, failures) => {
    const result = await operations().check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...news });
    expect(result.failures).toEqual(failures);
    expect(emulator.requests).toEqual([]);
  });

  test("control: one id, triggers and the location pass; an unknown id at preview passes through", async () => {
    expect(await checked({ userId: "0123456789abcdef0123456789abcdef", triggers: [1, "a"] })).toEqual({
      clusterId: DEFAULT_CLUSTER_ID,
      projectId: DEFAULT_PROJECT_ID,
      endpoint: emulator.url,
      clusterKind: "cce",
      userId: "0123456789abcdef0123456789abcdef",
      triggers: [1, "a"],
    });
    expect((await checked({ agencyId: UNKNOWN })).agencyId).toBe(UNKNOWN);
  });
});

describe("create, read, update, delete", () => {
  test("create revokes once, with the id named, and outputs revokedAt; read, update and delete send nothing", async () => {
    const id = await userId();
    const ops = operations();
    const inputs = await checked({ userId: id });
    const revokes = emulator.revokeCount();
    const before = Date.now();
    const { id: resourceId, outs } = (await ops.create(inputs)) as { id: string; outs: RevocationOutputs };
    expect(emulator.revokeCount()).toBe(revokes + 1);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).filter((c) => c.subject.endsWith(id)).every((c) => c.revoked)).toBe(true);
    expect(Date.parse(outs.revokedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(outs).toMatchObject({ clusterId: DEFAULT_CLUSTER_ID, userId: id, requestId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(resourceId).toBe(`${DEFAULT_CLUSTER_ID}/${id}/${outs.revokedAt}`);

    emulator.clearRequests();
    await expect(ops.read(resourceId, outs as unknown as Record<string, unknown>)).resolves.toEqual({ id: resourceId, props: outs });
    await expect(ops.update(resourceId, outs, inputs)).resolves.toEqual({ outs });
    await expect(ops.delete(resourceId, outs)).resolves.toBeUndefined();
    expect(emulator.requests).toEqual([]);
    expect(emulator.revokeCount()).toBe(revokes + 1);
  });

  test("an unknown id left at create is named, and nothing is sent", async () => {
    await expect(operations().create({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, clusterKind: "cce", userId: UNKNOWN })).rejects.toMatchObject({
      code: "CCE_INVALID_INPUT",
      field: "userId",
    });
    expect(emulator.requests).toEqual([]);
  });

  test("a 429 then a 500 are retried, and the revoke is sent until it succeeds once", async () => {
    emulator.injectFault({ path: "/clustercertrevoke", status: 429, headers: { "Retry-After": "0" } });
    emulator.injectFault({ path: "/clustercertrevoke", status: 500 });
    const revokes = emulator.revokeCount();
    await operations().create(await checked({ agencyId: "0123456789abcdef0123456789abcdef" }));
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 500, 200]);
    expect(emulator.revokeCount()).toBe(revokes + 1);
  });
});

describe("diff", () => {
  const stored = async (news: Record<string, unknown>) => ({ ...(await checked(news)), revokedAt: "2026-01-01T00:00:00.000Z" });

  test("the same inputs (triggers in another key order) change nothing", async () => {
    const olds = await stored({ userId: "u1", triggers: [{ a: 1, b: 2 }] });
    const news = await checked({ userId: "u1", triggers: [{ b: 2, a: 1 }] });
    expect(await operations().diff("id", olds, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["triggers", { userId: "u1", triggers: [2] }],
    ["userId", { userId: "u2", triggers: [1] }],
    ["agencyId", { agencyId: "a1", triggers: [1] }],
  ])("a change of %s replaces: the identity is revoked again", async (name, news) => {
    const olds = await stored({ userId: "u1", triggers: [1] });
    const diff = await operations().diff("id", olds, await checked(news));
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toContain(name);
  });
});

test("the schema fragment names the type token, every input with a description, and revokedAt", () => {
  expect(CERTIFICATE_REVOCATION_TYPE).toBe("cce-kubeconfig:index:CertificateRevocation");
  expect(Object.keys(CERTIFICATE_REVOCATION_SCHEMA.inputProperties).sort()).toEqual([...REVOCATION_INPUT_NAMES].sort());
  for (const property of Object.values(CERTIFICATE_REVOCATION_SCHEMA.properties)) expect(property.description.length).toBeGreaterThan(10);
  expect(CERTIFICATE_REVOCATION_SCHEMA.properties["revokedAt"]?.type).toBe("string");
  expect(CERTIFICATE_REVOCATION_SCHEMA.requiredInputs).toEqual(["clusterId"]);
});
