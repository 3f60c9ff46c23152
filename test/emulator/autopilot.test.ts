/**
 * CCE Autopilot clusters: their own API family (`/autopilot/v3`), duration only, refresh without
 * minting, and a user who picks the wrong clusterKind told to switch, with nothing minted.
 */
import { request } from "undici";
import type { Emulator } from "../../src/emulator";
import { signRequest } from "../../src/signing";
import { createOperations } from "../../src/provider/operations";
import { checkInputs, type CheckedInputs } from "../../src/provider/inputs";
import type { CertificateOutputs } from "../../src/provider/outputs";
import { InvalidInputError, isCceApiError } from "../../src/errors";
import { clientOf, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

const AUTOPILOT_ID = "a0a0a0a0-1111-4222-8333-444444444444";
const AUTOPILOT_EIP_ID = "a0a0a0a0-1111-4222-8333-5555555555e1";
const AK = "AKAUTOPILOTTEST00";
const SK = "SKautopilot-test-secret-key-0000";

let emulator: Emulator;
const operations = createOperations({ env: {} });

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  await emulator.addCluster(DEFAULT_PROJECT_ID, { id: AUTOPILOT_ID, kind: "autopilot" });
  await emulator.addCluster(DEFAULT_PROJECT_ID, { id: AUTOPILOT_EIP_ID, kind: "autopilot", eip: true });
  await operations.configure({ config: stackConfig({ "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK, "huaweicloud:projectId": DEFAULT_PROJECT_ID }) });
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.clearRequests());

const paths = () => emulator.requests.map((r) => `${r.method} ${r.path.replace(DEFAULT_PROJECT_ID, "P").replace(/clusters\/[^/]+/, "clusters/C")} ${r.status}`);

async function checked(news: Record<string, unknown>): Promise<CheckedInputs> {
  const result = await operations.check({}, { endpoint: emulator.url, ...news });
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedInputs;
}

describe("the emulator serves each family on its own paths", () => {
  const signed = (clusterKind: "cce" | "autopilot") => clientOf(emulator, { clusterKind, retry: { maxRetries: 0 } });

  test.each<[string, "cce" | "autopilot", string]>([
    ["an Autopilot cluster on the CCE paths", "cce", AUTOPILOT_ID],
    ["a CCE cluster on the Autopilot paths", "autopilot", DEFAULT_CLUSTER_ID],
  ])("%s answers 404 CCE.01404001 to show and to clustercert, minting nothing", async (_name, kind, clusterId) => {
    const client = signed(kind);
    for (const call of [() => client.getCluster(clusterId), () => client.createClusterCertificate(clusterId, { duration: 1 })]) {
      const error = await call().catch((e: unknown) => e);
      expect(isCceApiError(error) && [error.status, error.apiCode, error.isClusterGone]).toEqual([404, "CCE.01404001", true]);
    }
    expect(emulator.mintCount(clusterId)).toBe(0);
  });

  test("control: each family answers 200 on its own paths", async () => {
    await signed("cce").getCluster(DEFAULT_CLUSTER_ID);
    await signed("autopilot").getCluster(AUTOPILOT_ID);
    expect(paths()).toEqual(["GET /api/v3/projects/P/clusters/C 200", "GET /autopilot/v3/projects/P/clusters/C 200"]);
  });

  test("Autopilot's clustercert refuses expire_at (its API documents duration only) and has no GET", async () => {
    // Signed requests of our own: the client refuses both before sending.
    const raw = async (method: string, body?: string) => {
      const url = new URL(`/autopilot/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${AUTOPILOT_ID}/clustercert`, emulator.url);
      const { headers } = signRequest({ method, url, headers: { Host: url.host, "Content-Type": "application/json" }, body }, { accessKey: AK, secretKey: SK });
      const res = await request(url, { method: method as "GET" | "POST", headers, body });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    };
    const post = await raw("POST", JSON.stringify({ expire_at: new Date(Date.now() + 86_400_000).toISOString() }));
    expect(post).toMatchObject({ status: 400, body: { errorCode: "CCE.01400001", message: "expire_at is not supported by Autopilot clusters; send duration" } });
    expect(await raw("GET")).toMatchObject({ status: 404, body: { errorCode: "CCE.01404001" } });
    expect(await raw("POST", JSON.stringify({ duration: 1 }))).toMatchObject({ status: 200 }); // control
    expect(emulator.mintCount(AUTOPILOT_ID)).toBe(1);
  });
});

describe("the client", () => {
  test("mints on an Autopilot cluster through POST /autopilot/v3/.../clustercert with a duration", async () => {
    const before = emulator.mintCount(AUTOPILOT_ID);
    const { config } = await clientOf(emulator, { clusterKind: "autopilot" }).createClusterCertificate(AUTOPILOT_ID, { duration: 7 });
    expect(config["current-context"]).toBe("internal");
    expect(paths()).toEqual(["POST /autopilot/v3/projects/P/clusters/C/clustercert 200"]);
    expect(emulator.mintCount(AUTOPILOT_ID)).toBe(before + 1);
    const issued = emulator.certificates(AUTOPILOT_ID).at(-1)!;
    expect(issued.notAfter.getTime() - issued.notBefore.getTime()).toBeGreaterThan(7 * 86_400_000 - 3_600_000);
  });

  test.each<[string, () => Promise<unknown>, string]>([
    ["expireAt", () => clientOf(emulator, { clusterKind: "autopilot" }).createClusterCertificate(AUTOPILOT_ID, { expireAt: new Date(Date.now() + 86_400_000) }), "expireAt"],
    ["the legacy GET", () => clientOf(emulator, { clusterKind: "autopilot" }).getClusterCertificateLegacy(AUTOPILOT_ID), "useLegacyGet"],
  ])("refuses %s for Autopilot before any request", async (_name, call, field) => {
    await expect(call()).rejects.toMatchObject({ name: "InvalidInputError", field });
    expect(emulator.requests).toEqual([]);
  });
});

describe("check", () => {
  const check = (news: Record<string, unknown>) => checkInputs({}, { clusterId: AUTOPILOT_ID, projectId: DEFAULT_PROJECT_ID, endpoint: "https://cce.example.com", ...news }, stackConfig({}), {});

  test("clusterKind defaults to cce and is stored", () => {
    expect(check({}).inputs.clusterKind).toBe("cce");
    expect(check({ clusterKind: "autopilot" }).inputs.clusterKind).toBe("autopilot");
  });

  test.each<[string, Record<string, unknown>, Array<{ property: string; reason: string }>]>([
    [
      "expireAt on Autopilot",
      { clusterKind: "autopilot", expireAt: "2030-01-01T00:00:00Z" },
      [{ property: "expireAt", reason: 'Autopilot clusters (clusterKind "autopilot") take a duration only: their clustercert call has no expire_at' }],
    ],
    [
      "useLegacyGet on Autopilot",
      { clusterKind: "autopilot", useLegacyGet: true },
      [{ property: "useLegacyGet", reason: 'Autopilot clusters (clusterKind "autopilot") have no GET clustercert call; remove useLegacyGet' }],
    ],
    ["an unknown kind", { clusterKind: "turbo" }, [{ property: "clusterKind", reason: 'must be one of cce, autopilot; got "turbo"' }]],
  ])("refuses %s, naming the input", (_name, news, failures) => {
    expect(check(news).failures).toEqual(failures);
  });

  test("control: the same expireAt and useLegacyGet pass on a CCE cluster", () => {
    expect(check({ expireAt: "2030-01-01T00:00:00Z" }).failures).toEqual([]);
    expect(check({ useLegacyGet: true }).failures).toEqual([]);
  });

  test("an unknown clusterKind at preview does not refuse expireAt", () => {
    expect(check({ clusterKind: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", expireAt: "2030-01-01T00:00:00Z" }).failures).toEqual([]);
  });
});

describe("the provider", () => {
  test("creates, then refreshes without minting, on the Autopilot paths", async () => {
    const inputs = await checked({ clusterId: AUTOPILOT_ID, clusterKind: "autopilot", duration: 30 });
    const created = await operations.create(inputs);
    const read = await operations.read(created.id, created.outs);
    expect(read.id).toBe(created.id);
    expect(paths()).toEqual(["POST /autopilot/v3/projects/P/clusters/C/clustercert 200", "GET /autopilot/v3/projects/P/clusters/C 200"]);
    expect((created.outs as CertificateOutputs).clusterKind).toBe("autopilot");
  });

  test("the EIP check before an external context asks the Autopilot path", async () => {
    const inputs = await checked({ clusterId: AUTOPILOT_EIP_ID, clusterKind: "autopilot", context: "externalTLSVerify" });
    const created = await operations.create(inputs);
    expect((created.outs as CertificateOutputs).currentContext).toBe("externalTLSVerify");
    expect(paths()).toEqual(["GET /autopilot/v3/projects/P/clusters/C 200", "POST /autopilot/v3/projects/P/clusters/C/clustercert 200"]);
  });

  test("refresh of a deleted Autopilot cluster removes the certificate", async () => {
    const id = "a0a0a0a0-1111-4222-8333-666666666666";
    await emulator.addCluster(DEFAULT_PROJECT_ID, { id, kind: "autopilot" });
    const created = await operations.create(await checked({ clusterId: id, clusterKind: "autopilot" }));
    emulator.deleteCluster(id);
    expect(await operations.read(created.id, created.outs)).toEqual({ id: "", props: {} });
  });

  test.each<[string, string, "cce" | "autopilot", string]>([
    ["an Autopilot cluster created as cce", AUTOPILOT_ID, "cce", `cluster ${AUTOPILOT_ID} is an Autopilot cluster, not a CCE (standard or Turbo) one: set clusterKind: "autopilot" (nothing was minted)`],
    ["a CCE cluster created as autopilot", DEFAULT_CLUSTER_ID, "autopilot", `cluster ${DEFAULT_CLUSTER_ID} is a CCE (standard or Turbo) cluster, not an Autopilot one: set clusterKind: "cce" (nothing was minted)`],
  ])("%s fails telling the user to switch, after one extra GET and no mint", async (_name, clusterId, clusterKind, message) => {
    const before = emulator.mintCount();
    const error = await operations.create(await checked({ clusterId, clusterKind })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ field: "clusterKind", message: `clusterKind: ${message}` });
    expect(emulator.mintCount()).toBe(before);
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 404", "GET 200"]);
  });

  test("a cluster missing from both families keeps CCE's own 404 (cluster gone)", async () => {
    const error = await operations.create(await checked({ clusterId: "ffffffff-0000-4000-8000-000000000000" })).catch((e: unknown) => e);
    expect(isCceApiError(error) && error.isClusterGone).toBe(true);
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 404", "GET 404"]);
  });

  test("changing clusterKind replaces the certificate", async () => {
    const olds = (await operations.create(await checked({ clusterId: AUTOPILOT_ID, clusterKind: "autopilot" }))).outs as CertificateOutputs;
    const diff = await operations.diff("id", olds, await checked({ clusterId: AUTOPILOT_ID, clusterKind: "cce" }));
    expect(diff).toMatchObject({ changes: true, replaces: ["clusterKind"] });
  });

  test("a certificate stored before clusterKind existed is a CCE one: no change, no replacement", async () => {
    const olds = (await operations.create(await checked({ clusterId: DEFAULT_CLUSTER_ID }))).outs as Partial<CertificateOutputs>;
    delete olds.clusterKind;
    const diff = await operations.diff("id", olds, await checked({ clusterId: DEFAULT_CLUSTER_ID }));
    expect(diff).toMatchObject({ changes: false, replaces: [] });
    emulator.clearRequests();
    await operations.read("id", olds as Record<string, unknown>); // refresh of such a stored certificate asks the CCE path
    expect(paths()).toEqual(["GET /api/v3/projects/P/clusters/C 200"]);
  });
});
