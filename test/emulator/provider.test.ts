/**
 * The provider's operations, called in-process as the dynamic-provider host would call them,
 * against the real emulator.
 */
import type { Emulator } from "../../src/emulator";
import * as operations from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import type { CertificateOutputs } from "../../src/provider/outputs";
import { storedKubeconfigEntries } from "../../src/kubeconfig/stored";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";
import { DAY_MS } from "../../src/constants";

let emulator: Emulator;
const AK = "AKPROVIDERTEST00";
const SK = "SKprovider-test-secret-key-000";

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  await operations.configure({
    config: stackConfig({
      "huaweicloud:accessKey": AK,
      "huaweicloud:secretKey": SK,
      "huaweicloud:projectId": DEFAULT_PROJECT_ID,
    }),
  });
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.clearFaults());

async function checked(news: Record<string, unknown>, olds: Record<string, unknown> = {}): Promise<CheckedInputs> {
  const result = await operations.check(olds, { endpoint: emulator.url, ...news });
  expect(result.failures).toEqual([]);
  return result.inputs as CheckedInputs;
}

async function created(news: Record<string, unknown>) {
  const inputs = await checked(news);
  const result = await operations.create(inputs);
  return { inputs, id: result.id, outs: result.outs as CertificateOutputs };
}

describe("create", () => {
  test("mints one certificate and stores the kubeconfig, from which every other output is read", async () => {
    const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
    const { id, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID, duration: 90 });
    expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
    const issued = emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!;
    expect(id).toBe(`${DEFAULT_CLUSTER_ID}:${issued.serialNumber.toUpperCase()}`);
    expect(outs).toEqual({
      clusterId: DEFAULT_CLUSTER_ID,
      projectId: DEFAULT_PROJECT_ID,
      endpoint: emulator.url,
      clusterKind: "cce",
      duration: 90,
      renewBefore: 30,
      context: "auto",
      useLegacyGet: false,
      kubeconfig: expect.stringContaining("current-context: internal"),
      currentContext: "internal",
      expiresAt: issued.notAfter.toISOString(),
      issuedAt: issued.notBefore.toISOString(),
    });
    const entries = storedKubeconfigEntries(outs.kubeconfig);
    expect(entries).toMatchObject({
      server: emulator.clusterEndpoint(DEFAULT_CLUSTER_ID),
      contexts: [{ name: "internal", cluster: "internalCluster", user: "user" }],
      clusters: [{ name: "internalCluster", server: emulator.clusterEndpoint(DEFAULT_CLUSTER_ID), insecureSkipTlsVerify: false }],
    });
    expect(Buffer.from(entries.clientCertificateData, "base64").toString()).toBe(issued.certificatePem);
    expect(Buffer.from(entries.certificateAuthorityData, "base64").toString()).toBe(emulator.clusterCaPem(DEFAULT_CLUSTER_ID));
  });

  test("ids are unique per certificate", async () => {
    const a = await created({ clusterId: DEFAULT_CLUSTER_ID });
    const b = await created({ clusterId: DEFAULT_CLUSTER_ID });
    expect(a.id).not.toBe(b.id);
  });

  test("auto prefers externalTLSVerify over the insecure external context", async () => {
    const { outs } = await created({ clusterId: EIP_CLUSTER_ID });
    expect(outs.currentContext).toBe("externalTLSVerify");
    const { clusters } = storedKubeconfigEntries(outs.kubeconfig);
    expect(clusters.find((c) => c.name === "externalCluster")).toMatchObject({ insecureSkipTlsVerify: true });
    expect(clusters.find((c) => c.name === "externalCluster")?.certificateAuthorityData).toBeUndefined();
  });

  test("an external context on a cluster without an EIP fails before minting", async () => {
    const before = emulator.mintCount();
    const inputs = await checked({ clusterId: DEFAULT_CLUSTER_ID, context: "externalTLSVerify" });
    await expect(operations.create(inputs)).rejects.toThrow(
      `context: "externalTLSVerify" needs an EIP bound to cluster ${DEFAULT_CLUSTER_ID}, which lists only internal endpoints`,
    );
    expect(emulator.mintCount()).toBe(before);
  });

  test("an external context on a cluster with an EIP is the current context", async () => {
    const { outs } = await created({ clusterId: EIP_CLUSTER_ID, context: "external" });
    expect(outs.currentContext).toBe("external");
    const { clusters, server } = storedKubeconfigEntries(outs.kubeconfig);
    expect(clusters.find((c) => c.server === server)?.insecureSkipTlsVerify).toBe(true);
  });

  test("the legacy GET mints through the discarded call", async () => {
    emulator.clearRequests();
    const { outs } = await created({ clusterId: DEFAULT_CLUSTER_ID, useLegacyGet: true });
    expect(outs.duration).toBeUndefined();
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 200"]);
  });
});

describe("read (refresh)", () => {
  test("read does not mint a certificate", async () => {
    const { id, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID });
    const before = emulator.mintCount();
    const result = await operations.read(id, { ...outs });
    expect(emulator.mintCount()).toBe(before);
    expect(result).toEqual({ id, props: outs });
  });

  test("read after the cluster is deleted reports the resource gone", async () => {
    const clusterId = "3a0a0a0a-1b1b-4c2c-8d3d-4e4e4e4e4e4e";
    await emulator.addCluster(DEFAULT_PROJECT_ID, { id: clusterId });
    const { id, outs } = await created({ clusterId });
    emulator.deleteCluster(clusterId);
    await expect(operations.read(id, { ...outs })).resolves.toEqual({ id: "", props: {} });
  });

  test("read keeps the resource when the API fails otherwise", async () => {
    const { id, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID });
    emulator.injectFault({ status: 403, body: { errorCode: "CCE.01403001", errorMessage: "Forbidden" } });
    await expect(operations.read(id, { ...outs })).rejects.toMatchObject({ status: 403 });
  });

  // The engine reads a resource declared with { id } on every preview and up, with the program's
  // inputs: minting there issued a certificate per operation (issue #8, "Import"). Refused instead.
  test("a read by id with no stored certificate is refused, naming the id option, and mints nothing", async () => {
    emulator.clearRequests();
    const before = emulator.mintCount();
    await expect(operations.read("adopted", { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url })).rejects.toMatchObject({
      name: "InvalidInputError",
      field: "id",
      message: expect.stringMatching(/^id: a ClusterCertificate cannot be read by id \("adopted"\).*Remove the id option.*pulumi state move \(nothing was minted\)$/),
    });
    expect(emulator.mintCount()).toBe(before);
    expect(emulator.requests).toEqual([]);
  });
});

describe("diff", () => {
  test("no change, no mint", async () => {
    const { inputs, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID });
    await expect(operations.diff("id", outs, inputs)).resolves.toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each([
    ["clusterId", { clusterId: EIP_CLUSTER_ID }],
    ["duration", { duration: 10 }],
    ["useLegacyGet", { useLegacyGet: true, duration: undefined }],
    ["endpoint", { endpoint: "https://cce.ap-southeast-1.myhuaweicloud.com" }],
  ])("a change of %s replaces", async (key, change) => {
    const { outs } = await created({ clusterId: DEFAULT_CLUSTER_ID, duration: 60 });
    const news = await checked({ clusterId: DEFAULT_CLUSTER_ID, duration: 60, ...change });
    const result = await operations.diff("id", outs, news);
    expect(result.replaces).toContain(key);
    expect(result.changes).toBe(true);
  });

  test("credentials never cause a change", async () => {
    const { inputs, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID });
    await operations.configure({
      config: stackConfig({ "huaweicloud:accessKey": "other", "huaweicloud:secretKey": "other", "huaweicloud:projectId": DEFAULT_PROJECT_ID }),
    });
    try {
      const news = await checked({ clusterId: DEFAULT_CLUSTER_ID });
      expect(news).toEqual(inputs);
      expect((await operations.diff("id", outs, news)).changes).toBe(false);
    } finally {
      await operations.configure({
        config: stackConfig({ "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK, "huaweicloud:projectId": DEFAULT_PROJECT_ID }),
      });
    }
  });

  test("a certificate within renewBefore of expiry is replaced", async () => {
    const { inputs, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID, duration: 100 });
    expect((await operations.diff("id", outs, inputs)).replaces).toEqual([]);
    // 100-day certificate, issued 80 days ago: 20 days left, inside the 30-day window.
    const aged = { ...outs, issuedAt: new Date(Date.now() - 80 * DAY_MS).toISOString(), expiresAt: new Date(Date.now() + 20 * DAY_MS).toISOString() };
    await expect(operations.diff("id", aged, inputs)).resolves.toEqual({ changes: true, replaces: ["expiresAt"], deleteBeforeReplace: false });
  });

  test("a short duration gets a default window of a third of its life", async () => {
    expect((await checked({ clusterId: DEFAULT_CLUSTER_ID, duration: 6 })).renewBefore).toBe(2);
    expect((await checked({ clusterId: DEFAULT_CLUSTER_ID, duration: 365 })).renewBefore).toBe(30);
  });

  test("renewal is off with renewBefore 0, and never loops on a certificate shorter than the window", async () => {
    const { inputs, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID, duration: 40 });
    const soon = { ...outs, expiresAt: new Date(Date.now() + DAY_MS).toISOString() };
    expect((await operations.diff("id", soon, { ...inputs, renewBefore: 0 })).replaces).toEqual([]);
    // The server capped validity at 20 days: a new certificate would be inside the window again.
    const capped = { ...outs, issuedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 20 * DAY_MS).toISOString() };
    expect((await operations.diff("id", capped, inputs)).replaces).toEqual([]);
  });

  test("a pinned expireAt is never renewed", async () => {
    const expireAt = new Date(Date.now() + 10 * DAY_MS).toISOString();
    const { inputs, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID, expireAt });
    const aged = { ...outs, issuedAt: new Date(Date.now() - 300 * DAY_MS).toISOString() };
    expect((await operations.diff("id", aged, inputs)).replaces).toEqual([]);
  });
});

describe("update", () => {
  test("a context change updates the kubeconfig without minting", async () => {
    const { inputs, outs } = await created({ clusterId: EIP_CLUSTER_ID });
    const news = await checked({ clusterId: EIP_CLUSTER_ID, context: "internal" });
    const result = await operations.diff("id", outs, news);
    expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const before = emulator.mintCount();
    const { outs: updated } = await operations.update("id", outs, news);
    expect(emulator.mintCount()).toBe(before);
    expect(updated).toMatchObject({ currentContext: "internal", expiresAt: outs.expiresAt });
    expect(storedKubeconfigEntries(updated!.kubeconfig)).toMatchObject({
      server: emulator.clusterEndpoint(EIP_CLUSTER_ID),
      clientKeyData: storedKubeconfigEntries(outs.kubeconfig).clientKeyData,
    });
    expect(updated!.kubeconfig).toContain("current-context: internal");
    expect(inputs.context).toBe("auto");
  });

  test("a context the cluster does not have fails the update and names the context", async () => {
    const { outs } = await created({ clusterId: DEFAULT_CLUSTER_ID });
    const news = await checked({ clusterId: DEFAULT_CLUSTER_ID, context: "external" });
    await expect(operations.update("id", outs, news)).rejects.toThrow(
      'context "external" is not in the API\'s response, which has: internal (external contexts exist only when the cluster has an EIP bound)',
    );
  });
});

test("delete mints and revokes nothing", async () => {
  const { id, outs } = await created({ clusterId: DEFAULT_CLUSTER_ID });
  const [mints, revokes] = [emulator.mintCount(), emulator.revokeCount()];
  emulator.clearRequests();
  await operations.deleteCertificate(id, outs);
  expect([emulator.mintCount(), emulator.revokeCount(), emulator.requests.length]).toEqual([mints, revokes, 0]);
});
