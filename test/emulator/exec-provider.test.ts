/**
 * The ExecKubeconfig provider's operations (issue 15, item 2), called in-process as the
 * dynamic-provider host calls them, against the real emulator, with environments built by
 * cloudFreeEnv and a cache folder of the test's own.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import type { Emulator } from "../../src/emulator";
import { CredentialsError } from "../../src/errors";
import { createExecOperations, type ExecKubeconfigOutputs } from "../../src/provider/exec-operations";
import type { ExecCheckedInputs } from "../../src/provider/exec-inputs";
import { cloudFreeEnv } from "../helpers/cloud-free-env";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, OTHER_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

const AK = "AKEXECPROVIDER0001";
const SK = "SKexec-provider-secret-key-0000001";
let emulator: Emulator;
const work = mkdtempSync(join(tmpdir(), "cce-exec-provider-"));
let caches = 0;

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
});
afterAll(async () => {
  await emulator.stop();
  rmSync(work, { recursive: true, force: true });
});

const newCache = () => join(work, `cache-${(caches += 1)}`);
/** The environment of a machine whose credentials are the emulator's key pair (none with `keys: false`). */
function envOf(cache: string, keys = true): NodeJS.ProcessEnv {
  return cloudFreeEnv(process.env, { CCE_KUBECONFIG_CACHE_DIR: cache, HW_PROJECT_ID: DEFAULT_PROJECT_ID, ...(keys ? { HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK } : {}) });
}
const cacheEntries = (cache: string) => {
  try {
    return readdirSync(cache).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
};

function operationsWith(env: NodeJS.ProcessEnv, config: Record<string, string> = {}) {
  const warnings: string[] = [];
  const ops = createExecOperations({ env, warn: (m) => void warnings.push(m) });
  void ops.configure({ config: stackConfig(config) });
  return { ops, warnings };
}

async function checked(ops: ReturnType<typeof operationsWith>["ops"], news: Record<string, unknown>): Promise<ExecCheckedInputs> {
  const result = await ops.check({}, news);
  expect(result.failures).toEqual([]);
  return result.inputs as ExecCheckedInputs;
}

/** Every form a minted client certificate could take in text: PEM, and the base64 a kubeconfig holds. */
function mintedForms(): string[] {
  return emulator.certificates().flatMap((c) => [c.certificatePem.trim(), Buffer.from(c.certificatePem).toString("base64")]);
}
const PRIVATE_KEY = /PRIVATE KEY|LS0tLS1CRUdJTiBQUklWQVRF|LS0tLS1CRUdJTiBFQyBQUklWQVRF|LS0tLS1CRUdJTiBSU0EgUFJJVkFURS/;

describe("check", () => {
  const { ops } = operationsWith(envOf(newCache()));

  test("defaults: the command on PATH, a context named after the cluster, the command's one-hour certificates (no validity flag), the inputs given as flags", async () => {
    const inputs = await checked(ops, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
    expect(inputs).toEqual({
      clusterId: DEFAULT_CLUSTER_ID,
      projectId: DEFAULT_PROJECT_ID,
      endpoint: emulator.url,
      context: "auto",
      clusterKind: "cce",
      duration: 1,
      command: "cce-kubeconfig",
      contextName: `cce-${DEFAULT_CLUSTER_ID}`,
      // HW_PROJECT_ID is the environment's: the command reads it where it runs, so it is no flag.
      selection: { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url },
    });
  });

  test("ttl is written as --ttl; a bad one, or one beside duration, fails check naming ttl", async () => {
    const inputs = await checked(ops, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ttl: "15m" });
    expect(inputs.selection).toEqual({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ttl: "15m" });
    expect(inputs.ttl).toBe("15m");
    for (const [news, reason] of [
      [{ ttl: "10m" }, `must be a whole number with a unit m, h, d or y, from 15m (CCE's minimum for expire_at) to 5y; got "10m"`],
      [{ ttl: 60 }, "must be a string; got number 60"],
      [{ ttl: "1h", duration: 1 }, "set either duration or ttl, not both"],
    ] as const) {
      const result = await ops.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...news });
      expect(result.failures).toEqual([{ property: "ttl", reason }]);
    }
  });

  test("the stack config's project and region become flags (the command cannot read the stack); its credentials never do", async () => {
    const { ops: withConfig } = operationsWith(envOf(newCache()), { "huaweicloud:projectId": DEFAULT_PROJECT_ID, "huaweicloud:region": "cn-north-4", "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK });
    const inputs = await checked(withConfig, { clusterId: DEFAULT_CLUSTER_ID, clusterKind: "cce", context: "internal", duration: 3 });
    expect(inputs.selection).toEqual({ clusterId: DEFAULT_CLUSTER_ID, projectId: DEFAULT_PROJECT_ID, region: "cn-north-4", clusterKind: "cce", context: "internal", duration: 3 });
    expect(JSON.stringify(inputs)).not.toContain(SK);
    expect(JSON.stringify(inputs)).not.toContain(AK);
  });

  test("inputs of neither resource, and ClusterCertificate's own, are refused naming the closest ExecKubeconfig input", async () => {
    const result = await ops.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, durtion: 2, expireAt: "2030-01-01T00:00:00Z", commnd: "x" });
    expect(result.failures).toEqual([
      { property: "durtion", reason: "is not an input of ExecKubeconfig: did you mean duration?" },
      { property: "expireAt", reason: expect.stringMatching(/^is not an input of ExecKubeconfig: /) },
      { property: "commnd", reason: "is not an input of ExecKubeconfig: did you mean command?" },
    ]);
  });

  test("the shared inputs are checked as ClusterCertificate checks them, and command and contextName by their own rules", async () => {
    const result = await ops.check({}, { clusterId: "not a uuid!", endpoint: "ftp://x", duration: 0, context: "public", command: "", contextName: "has space" });
    expect((result.failures ?? []).map((f) => f.property).sort()).toEqual(["clusterId", "command", "context", "contextName", "duration", "endpoint"]);
    expect((result.failures ?? []).find((f) => f.property === "contextName")!.reason).toMatch(/letters, digits.*got "has space"/);
  });
});

describe("create", () => {
  test("with the environment's keys: mints one certificate into the command's cache and outputs an exec kubeconfig, server and CA, holding no client certificate or key", async () => {
    const cache = newCache();
    const { ops } = operationsWith(envOf(cache));
    const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
    const inputs = await checked(ops, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, command: "/opt/bin/cce-kubeconfig", contextName: "prod" });
    const { id, outs } = (await ops.create(inputs)) as { id: string; outs: ExecKubeconfigOutputs };
    expect(emulator.mintCount(DEFAULT_CLUSTER_ID)).toBe(before + 1);
    expect(cacheEntries(cache)).toHaveLength(1);
    expect(id).toBe(`${DEFAULT_CLUSTER_ID}:exec`);
    const ca = Buffer.from(emulator.clusterCaPem(DEFAULT_CLUSTER_ID)).toString("base64");
    expect(outs).toMatchObject({ server: emulator.clusterEndpoint(DEFAULT_CLUSTER_ID), certificateAuthorityData: ca, insecureSkipTlsVerify: false, currentContext: "prod" });
    expect(parse(outs.kubeconfig)).toEqual({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "prod", cluster: { server: emulator.clusterEndpoint(DEFAULT_CLUSTER_ID), "certificate-authority-data": ca } }],
      users: [
        {
          name: "prod",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1",
              command: "/opt/bin/cce-kubeconfig",
              args: ["credential", "--cluster-id", DEFAULT_CLUSTER_ID, "--endpoint", emulator.url],
              interactiveMode: "Never",
              provideClusterInfo: false,
            },
          },
        },
      ],
      contexts: [{ name: "prod", context: { cluster: "prod", user: "prod" } }],
      "current-context": "prod",
      preferences: {},
    });
    const text = JSON.stringify(outs);
    expect(text).not.toMatch(PRIVATE_KEY);
    for (const form of mintedForms()) expect(text).not.toContain(form);
    for (const secret of [AK, SK]) expect(text).not.toContain(secret);
    // Control: the scan finds the minted certificate where it is, in the cache.
    const { readFileSync } = await import("node:fs");
    expect(mintedForms().some((form) => readFileSync(join(cache, cacheEntries(cache)[0]!), "utf8").includes(JSON.stringify(form).slice(1, -1)))).toBe(true);
  });

  test("the certificate create minted is the one the command then serves: a second create on the machine mints nothing", async () => {
    const cache = newCache();
    const first = operationsWith(envOf(cache)).ops;
    const second = operationsWith(envOf(cache)).ops;
    const news = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    const before = emulator.mintCount(DEFAULT_CLUSTER_ID);
    await first.create(await checked(first, news));
    await second.create(await checked(second, news));
    expect(emulator.mintCount(DEFAULT_CLUSTER_ID) - before).toBe(1);
  });

  test("with no credentials in the environment: fails with a CredentialsError saying the kubeconfig mints at use time with credentials outside the stack and where it looked, minting and caching nothing", async () => {
    const cache = newCache();
    const { ops } = operationsWith(envOf(cache, false));
    const inputs = await checked(ops, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
    const mints = emulator.mintCount();
    const error = (await ops.create(inputs).catch((e: unknown) => e)) as CredentialsError;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.code).toBe("CCE_NO_CREDENTIALS");
    expect(error.message).toMatch(/^ExecKubeconfig: no CCE credentials outside the stack\. An exec kubeconfig mints its certificates at use time/);
    expect(error.message).toContain("nothing was stored");
    expect(error.message).toMatch(/The chain said: no CCE credentials found: .*HW_ACCESS_KEY.*metadata service at http:\/\/127\.0\.0\.1:9/);
    expect(error.message).not.toContain("stack config's credentials");
    expect(emulator.mintCount()).toBe(mints);
    expect(cacheEntries(cache)).toEqual([]);
  });

  test("with credentials only in stack config: refused, naming the stack config's keys as not used (never their values); control: the same stack config with the environment's keys creates", async () => {
    const config = { "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK, "huaweicloud:projectId": DEFAULT_PROJECT_ID };
    const news = { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url };
    const mints = emulator.mintCount();
    const refused = operationsWith(envOf(newCache(), false), config).ops;
    const error = (await refused.create(await checked(refused, news)).catch((e: unknown) => e)) as CredentialsError;
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toContain("The stack config's credentials (huaweicloud:accessKey + huaweicloud:secretKey) are not used: the command cannot read the stack.");
    for (const secret of [AK, SK]) expect(error.message).not.toContain(secret);
    expect(emulator.mintCount()).toBe(mints);

    const control = operationsWith(envOf(newCache(), true), config).ops;
    await expect(control.create(await checked(control, news))).resolves.toMatchObject({ id: `${DEFAULT_CLUSTER_ID}:exec` });
    expect(emulator.mintCount()).toBe(mints + 1);
  });
});

describe("diff, update, read, delete", () => {
  const cache = join(tmpdir(), `cce-exec-provider-shared-${process.pid}`);
  let ops: ReturnType<typeof operationsWith>["ops"];
  let inputs: ExecCheckedInputs;
  let outs: ExecKubeconfigOutputs;
  beforeAll(async () => {
    ops = operationsWith(envOf(cache)).ops;
    inputs = await checked(ops, { clusterId: EIP_CLUSTER_ID, endpoint: emulator.url });
    outs = ((await ops.create(inputs)) as { outs: ExecKubeconfigOutputs }).outs;
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  const diffOf = async (news: Record<string, unknown>) => ops.diff("id", outs, await checked(ops, { clusterId: EIP_CLUSTER_ID, endpoint: emulator.url, ...news }));

  test("the same inputs: no changes, whatever the order of the stored flags' keys", async () => {
    expect(await diffOf({})).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    const reordered = { ...outs, selection: Object.fromEntries(Object.entries(outs.selection).reverse()) as typeof outs.selection };
    const news = await checked(ops, { clusterId: EIP_CLUSTER_ID, endpoint: emulator.url });
    expect(Object.keys(reordered.selection)).not.toEqual(Object.keys(news.selection));
    expect(await ops.diff("id", reordered, news)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test.each<[string, () => Record<string, unknown>]>([
    ["clusterId", () => ({ clusterId: OTHER_CLUSTER_ID })],
    ["projectId", () => ({ projectId: "0123456789abcdef0123456789abcdef" })],
    ["endpoint", () => ({ endpoint: `${emulator.url}/other` })],
    ["clusterKind", () => ({ clusterKind: "autopilot" })],
  ])("a new %s replaces", async (name, news) => {
    const diff = await diffOf(news());
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toEqual([name]);
  });

  test("command, contextName and duration update in place: re-rendered from state with no CCE call and no mint", async () => {
    for (const news of [{ command: "/usr/local/bin/cce-kubeconfig" }, { contextName: "renamed" }, { duration: 7 }]) {
      const diff = await diffOf(news);
      expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
    emulator.clearRequests();
    const news = await checked(ops, { clusterId: EIP_CLUSTER_ID, endpoint: emulator.url, command: "/usr/local/bin/cce-kubeconfig", contextName: "renamed", duration: 7 });
    const { outs: updated } = (await ops.update("id", outs, news)) as { outs: ExecKubeconfigOutputs };
    expect(emulator.requests).toEqual([]);
    const doc = parse(updated.kubeconfig);
    expect(doc["current-context"]).toBe("renamed");
    expect(doc.users[0].user.exec.command).toBe("/usr/local/bin/cce-kubeconfig");
    expect(doc.users[0].user.exec.args).toEqual(["credential", "--cluster-id", EIP_CLUSTER_ID, "--endpoint", emulator.url, "--duration", "7"]);
    expect(updated.server).toBe(outs.server);
  });

  test("a new context updates in place, taking that context's server from the command's cache (one mint at most, into it)", async () => {
    // auto chose the EIP's externalTLSVerify context for this cluster; internal names the VPC address.
    expect(outs.server).toMatch(/^https:\/\/localhost:/);
    const diff = await diffOf({ context: "internal" });
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const mints = emulator.mintCount();
    const news = await checked(ops, { clusterId: EIP_CLUSTER_ID, endpoint: emulator.url, context: "internal" });
    const { outs: updated } = (await ops.update("id", outs, news)) as { outs: ExecKubeconfigOutputs };
    expect(emulator.mintCount() - mints).toBe(1);
    expect(updated.server).toBe(emulator.clusterEndpoint(EIP_CLUSTER_ID));
    expect(updated.server).not.toBe(outs.server);
    expect(parse(updated.kubeconfig).users[0].user.exec.args).toEqual(["credential", "--cluster-id", EIP_CLUSTER_ID, "--endpoint", emulator.url, "--context", "internal"]);
  });

  test("read mints nothing and keeps the state; with the cluster gone it reports the resource gone", async () => {
    const mints = emulator.mintCount();
    await expect(ops.read("id", { ...outs })).resolves.toEqual({ id: "id", props: { ...outs } });
    const other = operationsWith(envOf(newCache())).ops;
    const gone = ((await other.create(await checked(other, { clusterId: OTHER_CLUSTER_ID, endpoint: emulator.url }))) as { outs: ExecKubeconfigOutputs }).outs;
    emulator.deleteCluster(OTHER_CLUSTER_ID);
    await expect(other.read("gone", { ...gone })).resolves.toEqual({ id: "", props: {} });
    expect(emulator.mintCount() - mints).toBe(1); // the second create's, none by either read
  });

  test("a read by id (no stored kubeconfig) is refused, naming the id option", async () => {
    await expect(ops.read("x", {})).rejects.toThrow(/cannot be read by id: remove the id option/);
  });

  test("delete does nothing: no CCE call", async () => {
    emulator.clearRequests();
    await ops.deleteKubeconfig("id", outs);
    expect(emulator.requests).toEqual([]);
  });
});
