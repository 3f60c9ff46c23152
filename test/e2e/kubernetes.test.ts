/**
 * @pulumi/kubernetes managing real objects with this package's kubeconfig, through renewal and
 * expiry. The emulator's EIP cluster is handed over to a real control plane (etcd, kube-apiserver
 * and kube-controller-manager built by scripts/install-kubernetes-server.sh); the real engine runs
 * kubernetes-program.js with the real Kubernetes plugin (scripts/install-kubernetes-provider.sh).
 * Nothing skips: a missing binary fails the file, naming the build. Every failing step names the
 * component that failed (build, etcd, kube-apiserver, kube-controller-manager, engine) and its log.
 *
 * The API server's audit log (scripts/kubernetes/control-plane.js) tells who wrote what: the
 * renewal runs with a second user's credentials, so the new certificate names another user, and
 * the log shows which certificate patched the ConfigMap.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { renderKubeconfig, type ContextChoice } from "../../src/kubeconfig/render";
import { DAY_MS } from "../../src/constants";
import { clientOf, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, OTHER_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { engineEnv, runStack, type StackResult, type StackSpec } from "../helpers/engine";
import { startClusterControlPlane, StepError, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { programDir } from "../helpers/program-dir";
import { requireTool } from "../helpers/tools";

jest.setTimeout(600_000);

const CLUSTER_ID = EIP_CLUSTER_ID;
const USER_A: EmulatorCredential = { accessKey: "AKKUBEE2EUSERA000001", secretKey: "SKkube-e2e-user-a-secret-key-000000000001" };
const USER_B: EmulatorCredential = { accessKey: "AKKUBEE2EUSERB000002", secretKey: "SKkube-e2e-user-b-secret-key-000000000002" };
/**
 * The expiring stack is created in beforeAll with a certificate this far from expiry, so it has
 * expired in real time (the API server's clock) by test 5 without the file waiting for it. Long
 * enough for one `up` on a busy machine (about 15 s here).
 */
const EXPIRY_LEAD_MS = 120_000;

const run = promisify(execFile);
const steps = new Steps(() => plane);
let emulator: Emulator;
let plane: ControlPlane | undefined;
let kubectlBin: string;
let work: string;
let engineLogs: string;
let env: NodeJS.ProcessEnv;
let expiringCreated: StackResult;
let engineRuns = 0;

interface Settings {
  greeting?: string;
  provider?: "pinned" | "unpinned";
  mutableConfigMaps?: boolean;
  user?: EmulatorCredential;
}

function stackConfig(settings: Settings): StackSpec["config"] {
  const user = settings.user ?? USER_A;
  // Every key, every time: a stack's config file persists in the shared program folder.
  return {
    "e2e:endpoint": { value: emulator.url },
    "e2e:clusterId": { value: CLUSTER_ID },
    "e2e:greeting": { value: settings.greeting ?? "hello" },
    "e2e:provider": { value: settings.provider ?? "pinned" },
    "e2e:mutableConfigMaps": { value: String(settings.mutableConfigMaps ?? true) },
    "huaweicloud:projectId": { value: DEFAULT_PROJECT_ID },
    "huaweicloud:accessKey": { value: user.accessKey, secret: true },
    "huaweicloud:secretKey": { value: user.secretKey, secret: true },
  };
}

/**
 * One engine operation on one stack. Its output goes to a log file named in any failure; a failure
 * throws, unless `expectFailure` (then the result is returned for the test to read).
 */
async function op(
  stack: string,
  name: StackSpec["op"],
  settings: Settings = {},
  options: { refresh?: boolean; expectFailure?: boolean } = {},
): Promise<StackResult> {
  const what = `pulumi ${name}${options.refresh ? " --refresh" : ""} (stack ${stack})`;
  return steps.run(what, async () => {
    const spec: StackSpec = {
      programDir: programDir(),
      programFile: "kubernetes-program.js",
      project: "cce-k8s-e2e",
      stack,
      backendUrl: `file://${join(work, "state")}`,
      op: name,
      config: stackConfig(settings),
      refresh: options.refresh,
    };
    const log = join(engineLogs, `${String(++engineRuns).padStart(2, "0")}-${stack}-${name}.log`);
    const result = await runStack(spec, env);
    writeFileSync(log, `${result.message ?? ""}\n${result.output ?? ""}`);
    if (!result.ok && !options.expectFailure) {
      throw new StepError("engine", log, `engine failed: ${what}: ${result.message} (log: ${log})`);
    }
    if (result.ok && options.expectFailure) throw new StepError("engine", log, `${what} succeeded; the test expected it to fail (log: ${log})`);
    return result;
  });
}

const output = (result: StackResult, key: string) => result.outputs?.[key]?.value as string;
/** The URNs the program exports: the certificate, the k8s.Provider, the Namespace and the ConfigMap. */
const urns = (result: StackResult) => ({
  certificate: output(result, "certificateUrn"),
  provider: output(result, "providerUrn"),
  ns: output(result, "namespaceUrn"),
  cm: output(result, "configMapUrn"),
});

/** Writes a kubeconfig (0600) for kubectl; returns its path. */
function kubeconfigFile(name: string, text: string): string {
  const file = join(work, `${name}.kubeconfig`);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** kubectl with a kubeconfig; an unexpected failure is the API server's answer, so it names the API server's log. */
async function kubectl(kubeconfig: string, args: string[]): Promise<string> {
  return steps.run(
    `kubectl ${args.join(" ")}`,
    async () => (await run(kubectlBin, ["--kubeconfig", kubeconfig, "--cache-dir", join(work, "kcache"), "--request-timeout", "30s", ...args])).stdout,
    "kube-apiserver",
  );
}

/** kubectl that is expected to fail: its stderr. */
async function kubectlFails(kubeconfig: string, args: string[]): Promise<string> {
  try {
    await run(kubectlBin, ["--kubeconfig", kubeconfig, "--cache-dir", join(work, "kcache"), "--request-timeout", "30s", ...args]);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`kubectl ${args.join(" ")} succeeded; the test expected it to fail`);
}

interface KubeObject {
  metadata: { uid: string; name: string };
  data?: Record<string, string>;
}

async function getObject(kubeconfig: string, kind: "namespace" | "configmap", name: string, namespace?: string): Promise<KubeObject> {
  return JSON.parse(await kubectl(kubeconfig, [...(namespace ? ["-n", namespace] : []), "get", kind, name, "-o", "json"])) as KubeObject;
}

/** The HTTP status of GET `path` with the kubeconfig's current context: the API server's own answer, without kubectl. */
function statusOf(kubeconfigText: string, path = "/api"): Promise<number> {
  type Config = {
    clusters: Array<{ name: string; cluster: { server: string; "certificate-authority-data"?: string } }>;
    users: Array<{ user: { "client-certificate-data": string; "client-key-data": string } }>;
    contexts: Array<{ name: string; context: { cluster: string } }>;
    "current-context": string;
  };
  const config = parse(kubeconfigText) as Config;
  const context = config.contexts.find((c) => c.name === config["current-context"])!.context;
  const cluster = config.clusters.find((c) => c.name === context.cluster)!.cluster;
  const pem = (data: string | undefined) => (data === undefined ? undefined : Buffer.from(data, "base64").toString("utf8"));
  const url = new URL(path, cluster.server);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        ca: pem(cluster["certificate-authority-data"]),
        cert: pem(config.users[0]!.user["client-certificate-data"]),
        key: pem(config.users[0]!.user["client-key-data"]),
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

interface AuditEvent {
  verb: string;
  requestURI: string;
  user: { username: string; groups?: string[] };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
}

function auditEvents(): AuditEvent[] {
  return readFileSync(plane!.auditLog, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as AuditEvent);
}

/** `<verb> <resource> <namespace/>name by <user>` of the events after `from`, for `user`s only; dry runs left out unless asked. */
function requests(from: number, users: string[], options: { writesOnly?: boolean } = {}): string[] {
  const writes = ["create", "update", "patch", "delete"];
  return auditEvents()
    .slice(from)
    .filter((e) => users.includes(e.user.username) && !e.requestURI.includes("dryRun="))
    .filter((e) => !options.writesOnly || writes.includes(e.verb))
    .map((e) => {
      const ref = e.objectRef ?? {};
      const where = ref.namespace && ref.resource !== "namespaces" ? `${ref.namespace}/` : "";
      return `${e.verb} ${ref.resource} ${where}${ref.name ?? ""} by ${e.user.username}`;
    });
}

/** The user (CN) of the cluster's latest certificate: the caller's user id. */
function latestUser(): string {
  return /CN=([^,\n]+)/.exec(emulator.certificates(CLUSTER_ID).at(-1)!.subject)![1]!;
}

const expiresIn = (result: StackResult) => Date.parse(output(result, "expiresAt")) - Date.now();

beforeAll(async () => {
  kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  work = mkdtempSync(join(tmpdir(), "cce-k8s-e2e-"));
  engineLogs = mkdtempSync(join(tmpdir(), "cce-k8s-e2e-engine-logs-"));
  mkdirSync(join(work, "state"));
  env = await steps.run(
    "finding the Pulumi CLI and the Kubernetes plugin",
    () => engineEnv(join(work, "pulumi-home")),
    "build (npm run install-tools: scripts/install-pulumi.sh, scripts/install-kubernetes-provider.sh)",
  );
  emulator = await startTestEmulator({ credentials: [USER_A, USER_B] });
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
  copyFileSync(join(__dirname, "kubernetes-program.js"), join(programDir(), "kubernetes-program.js"));

  emulator.backdateCertificates(365 - EXPIRY_LEAD_MS / DAY_MS);
  try {
    expiringCreated = await op("k8s-expiring", "up");
  } finally {
    emulator.backdateCertificates(0);
  }
}, 600_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (engineLogs && steps.failed()) console.log(`engine logs kept for the failed step(s): ${engineLogs}`);
  else if (engineLogs) rmSync(engineLogs, { recursive: true, force: true });
});

test.each<ContextChoice>(["internal", "externalTLSVerify", "external"])(
  "1. kubectl with the rendered kubeconfig, context %s: auth whoami names the certificate's user and group, and a ConfigMap is created and read back",
  (context) =>
    steps.run(`test 1 (${context})`, async () => {
      const { config } = await clientOf(emulator).createClusterCertificate(CLUSTER_ID, { duration: 1 });
      const text = renderKubeconfig(config, context);
      const file = kubeconfigFile(`test1-${context}`, text);
      const doc = parse(text) as { clusters: Array<{ name: string; cluster: { server: string } }>; contexts: Array<{ name: string; context: { cluster: string } }> };
      const entry = doc.contexts.find((c) => c.name === context)!.context.cluster;
      expect(doc.clusters.find((c) => c.name === entry)!.cluster.server).toBe(context === "internal" ? plane!.url : `https://localhost:${plane!.port}`);

      const user = latestUser();
      expect(user).toMatch(/^[0-9a-f]{32}$/);
      const whoami = JSON.parse(await kubectl(file, ["auth", "whoami", "-o", "json"])).status.userInfo;
      expect(whoami.username).toBe(user);
      expect(whoami.groups).toEqual(expect.arrayContaining(["system:masters", "system:authenticated"]));

      const name = `kubectl-${context.toLowerCase()}`;
      await kubectl(file, ["-n", "default", "create", "configmap", name, `--from-literal=context=${context}`]);
      expect((await getObject(file, "configmap", name, "default")).data).toEqual({ context });
    }),
);

test("2. the API server refuses a certificate from another cluster's CA and an expired one with 401; a valid one of this cluster is the control", () =>
  steps.run("test 2", async () => {
    const client = clientOf(emulator);
    const mine = (await client.createClusterCertificate(CLUSTER_ID, { duration: 1 })).config;
    const theirs = (await client.createClusterCertificate(OTHER_CLUSTER_ID, { duration: 1 })).config;
    emulator.backdateCertificates(2);
    let expired;
    try {
      expired = (await client.createClusterCertificate(CLUSTER_ID, { duration: 1 })).config;
    } finally {
      emulator.backdateCertificates(0);
    }
    expect(emulator.certificates(CLUSTER_ID).at(-1)!.notAfter.getTime()).toBeLessThan(Date.now() - 0.9 * DAY_MS);

    const foreign = renderKubeconfig({ ...mine, users: theirs.users }, "internal");
    const stale = renderKubeconfig(expired, "internal");
    expect(await statusOf(foreign)).toBe(401);
    expect(await statusOf(stale)).toBe(401);
    for (const [name, text] of [["foreign", foreign], ["expired", stale]] as const) {
      expect(await kubectlFails(kubeconfigFile(`test2-${name}`, text), ["auth", "whoami"])).toContain("Unauthorized");
    }
    expect(await statusOf(renderKubeconfig(mine, "internal"))).toBe(200);
  }));

test("3. one stack: up creates the Namespace and ConfigMap on the API server, a second up changes nothing, refresh mints nothing and reads them back", () =>
  steps.run("test 3", async () => {
    const mints = emulator.mintCount();
    const created = await op("k8s-main", "up");
    expect(created.changes).toEqual({ create: 5 }); // the stack, the certificate, the provider, the Namespace, the ConfigMap
    expect(emulator.mintCount() - mints).toBe(1);
    const user = latestUser();
    const file = kubeconfigFile("main", output(created, "kubeconfig"));
    const namespace = output(created, "namespace");
    expect(namespace).toBe("k8s-main-apps");
    expect((await getObject(file, "namespace", namespace)).metadata.uid).toBe(output(created, "namespaceUid"));
    const configMap = await getObject(file, "configmap", "settings", namespace);
    expect(configMap.metadata.uid).toBe(output(created, "configMapUid"));
    expect(configMap.data).toEqual({ greeting: "hello" });

    let from = auditEvents().length;
    const again = await op("k8s-main", "up");
    expect(again.changes).toEqual({ same: 5 });
    expect(requests(from, [user], { writesOnly: true })).toEqual([]);

    from = auditEvents().length;
    const refreshed = await op("k8s-main", "refresh");
    expect(refreshed.changes).toEqual({ same: 5 });
    expect(emulator.mintCount() - mints).toBe(1);
    // Read back from the API server with the stack's certificate (the plugin reads each object
    // twice), and nothing written.
    const reads = requests(from, [user]);
    expect([...new Set(reads)].sort()).toEqual([`get configmaps ${namespace}/settings by ${user}`, `get namespaces ${namespace} by ${user}`]);
    console.log(`test 3: refresh made ${reads.length} requests for the two objects, all reads`);
    // Control: the same filter sees the writes of the first up.
    expect(requests(0, [user], { writesOnly: true })).toEqual(expect.arrayContaining([`patch configmaps ${namespace}/settings by ${user}`]));
  }));

let renewal: StackResult;

test("4. renewal: one up mints exactly one certificate, updates the provider in place, keeps the Namespace and ConfigMap (same uid), and patches the ConfigMap with the new certificate", () =>
  steps.run("test 4", async () => {
    emulator.backdateCertificates(340); // a 365-day certificate with 25 days left: inside the 30-day renewal window
    let created: StackResult;
    try {
      created = await op("k8s-renewal", "up");
    } finally {
      emulator.backdateCertificates(0);
    }
    expect(expiresIn(created) / DAY_MS).toBeCloseTo(25, 0);
    const oldUser = latestUser();
    const file = kubeconfigFile("renewal-before", output(created, "kubeconfig"));
    const namespace = output(created, "namespace");
    const before = { ns: await getObject(file, "namespace", namespace), cm: await getObject(file, "configmap", "settings", namespace) };
    const { certificate, provider, ns, cm } = urns(created);

    // Preview plans the renewal; it mints nothing. The pinned provider is updated, never replaced.
    const mints = emulator.mintCount();
    const plan = await op("k8s-renewal", "preview", { greeting: "renewed", user: USER_B });
    expect(plan.steps?.[certificate]).toContain("replace");
    expect(plan.steps?.[provider]).toEqual(["update"]);
    expect([plan.steps?.[ns], plan.steps?.[cm]]).toEqual([["update"], ["update"]]);
    expect(emulator.mintCount()).toBe(mints);

    // The renewal runs with a second user's credentials (credentials are no input), so the new
    // certificate names another user and the audit log shows which certificate wrote.
    const from = auditEvents().length;
    renewal = await op("k8s-renewal", "up", { greeting: "renewed", user: USER_B });
    expect(emulator.mintCount() - mints).toBe(1);
    const newUser = latestUser();
    expect(newUser).not.toBe(oldUser);
    expect(renewal.steps?.[certificate]).toEqual(["create-replacement", "replace", "delete-replaced"]);
    expect(renewal.steps?.[provider]).toEqual(["update"]);
    expect([renewal.steps?.[ns], renewal.steps?.[cm]]).toEqual([["same"], ["update"]]);
    expect(expiresIn(renewal) / DAY_MS).toBeCloseTo(365, 0);

    const renewed = kubeconfigFile("renewal-after", output(renewal, "kubeconfig"));
    const after = { ns: await getObject(renewed, "namespace", namespace), cm: await getObject(renewed, "configmap", "settings", namespace) };
    expect([after.ns.metadata.uid, after.cm.metadata.uid]).toEqual([before.ns.metadata.uid, before.cm.metadata.uid]);
    expect(after.cm.data).toEqual({ greeting: "renewed" });
    // Every write of that up came from the new certificate; none from the old one.
    const writes = requests(from, [oldUser, newUser], { writesOnly: true });
    expect(writes.length).toBeGreaterThan(0);
    expect([...new Set(writes)]).toEqual([`patch configmaps ${namespace}/settings by ${newUser}`]);
    console.log(`test 4: the renewal up wrote ${writes.length} patch(es) of the ConfigMap, all with the new certificate`);

    // Control: without enableConfigMapMutable, @pulumi/kubernetes replaces a ConfigMap whose data
    // changes: a new object, a new uid. So the same-uid check above can fail.
    const replaced = await op("k8s-renewal", "up", { greeting: "replaced", user: USER_B, mutableConfigMaps: false });
    expect(replaced.steps?.[cm]).toContain("replace");
    const fresh = await getObject(renewed, "configmap", "settings", namespace);
    expect(fresh.metadata.uid).not.toBe(before.cm.metadata.uid);
    expect(fresh.data).toEqual({ greeting: "replaced" });
    expect(emulator.mintCount() - mints).toBe(1);
  }));

test("5. expiry: once the certificate has expired (401), refresh and up --refresh fail without minting; a plain up recovers, keeping the objects", () =>
  steps.run("test 5", async () => {
    const wait = Date.parse(output(expiringCreated, "expiresAt")) + 2_000 - Date.now();
    console.log(`test 5 waits ${Math.max(0, Math.round(wait / 1000))} s for the certificate of stack k8s-expiring to expire`);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const stale = output(expiringCreated, "kubeconfig");
    expect(await statusOf(stale)).toBe(401);
    const namespace = output(expiringCreated, "namespace");

    const mints = emulator.mintCount();
    const unreachable = /configured Kubernetes cluster is unreachable: unable to load schema information from the API server: the server has asked for the client to provide credentials/;
    const readFailed = /failed to read resource state due to unreachable cluster/;
    const refreshed = await op("k8s-expiring", "refresh", {}, { expectFailure: true });
    expect(refreshed.message).toMatch(unreachable);
    expect(refreshed.message).toMatch(readFailed);
    const upRefresh = await op("k8s-expiring", "up", {}, { refresh: true, expectFailure: true });
    expect(upRefresh.message).toMatch(unreachable);
    expect(upRefresh.message).toMatch(readFailed);
    expect(emulator.mintCount()).toBe(mints);

    // preview works (the CLI's `pulumi up` previews first): it plans the renewal and mints nothing.
    const plan = await op("k8s-expiring", "preview");
    expect(plan.steps?.[output(expiringCreated, "certificateUrn")]).toContain("replace");
    expect(plan.steps?.[output(expiringCreated, "providerUrn")]).toEqual(["update"]);
    expect(emulator.mintCount()).toBe(mints);

    const recovered = await op("k8s-expiring", "up");
    expect(emulator.mintCount() - mints).toBe(1);
    expect(recovered.steps?.[output(expiringCreated, "certificateUrn")]).toEqual(["create-replacement", "replace", "delete-replaced"]);
    expect(recovered.steps?.[output(expiringCreated, "providerUrn")]).toEqual(["update"]);
    expect(recovered.changes).toEqual({ replace: 1, update: 1, same: 3 });
    const file = kubeconfigFile("expiring-recovered", output(recovered, "kubeconfig"));
    expect((await getObject(file, "namespace", namespace)).metadata.uid).toBe(output(expiringCreated, "namespaceUid"));
    expect((await getObject(file, "configmap", "settings", namespace)).metadata.uid).toBe(output(expiringCreated, "configMapUid"));

    // Recovered: refresh works again and mints nothing.
    expect((await op("k8s-expiring", "refresh")).changes).toEqual({ same: 5 });
    expect(emulator.mintCount() - mints).toBe(1);
  }));

test("6. destroy deletes the ConfigMap and the Namespace on the API server, then the certificate, with no error and no mint", () =>
  steps.run("test 6", async () => {
    const file = kubeconfigFile("renewal-destroy", output(renewal, "kubeconfig"));
    const namespace = output(renewal, "namespace");
    const user = latestUserOf(renewal);
    const mints = emulator.mintCount();
    const from = auditEvents().length;
    emulator.clearRequests();

    const destroyed = await op("k8s-renewal", "destroy", { user: USER_B, greeting: "replaced", mutableConfigMaps: false });
    expect(destroyed.changes).toEqual({ delete: 5 });
    const order = ["configMapUrn", "namespaceUrn", "providerUrn", "certificateUrn"].map((k) => destroyed.sequence!.indexOf(`delete ${output(renewal, k)}`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    expect(requests(from, [user], { writesOnly: true })).toEqual([
      `delete configmaps ${namespace}/settings by ${user}`,
      `delete namespaces ${namespace} by ${user}`,
    ]);
    expect(await kubectlFails(file, ["get", "namespace", namespace])).toContain("NotFound");
    expect([emulator.mintCount() - mints, emulator.revokeCount()]).toEqual([0, 0]);
    expect(emulator.requests.filter((r) => r.path.includes("clustercert"))).toEqual([]);
  }));

/** The user of the certificate in a stack's kubeconfig output. */
function latestUserOf(result: StackResult): string {
  const data = parse(output(result, "kubeconfig")).users[0].user["client-certificate-data"] as string;
  const serial = emulator.certificates(CLUSTER_ID).find((c) => Buffer.from(c.certificatePem).toString("base64") === data)!;
  return /CN=([^,\n]+)/.exec(serial.subject)![1]!;
}

test("7. control: an unpinned k8s.Provider (no clusterIdentifier) at renewal: preview plans to replace it and its objects; up updates it in place and keeps them", () =>
  steps.run("test 7", async () => {
    const settings: Settings = { provider: "unpinned" };
    emulator.backdateCertificates(340);
    let created: StackResult;
    try {
      created = await op("k8s-unpinned", "up", settings);
    } finally {
      emulator.backdateCertificates(0);
    }
    const file = kubeconfigFile("unpinned", output(created, "kubeconfig"));
    const namespace = output(created, "namespace");
    const uids = [(await getObject(file, "namespace", namespace)).metadata.uid, (await getObject(file, "configmap", "settings", namespace)).metadata.uid];
    const { certificate, provider, ns, cm } = urns(created);
    const mints = emulator.mintCount();

    const plan = await op("k8s-unpinned", "preview", settings);
    const planned = [certificate, provider, ns, cm].map((urn) => plan.steps?.[urn]);
    const replace = ["create-replacement", "replace", "delete-replaced"];
    expect(planned).toEqual([replace, replace, replace, replace]);
    expect(plan.changeSummary).toMatchObject({ replace: 4 });

    const renewed = await op("k8s-unpinned", "up", settings);
    const done = [certificate, provider, ns, cm].map((urn) => renewed.steps?.[urn]);
    expect(done).toEqual([replace, ["update"], ["same"], ["same"]]);
    expect(emulator.mintCount() - mints).toBe(1);
    const after = kubeconfigFile("unpinned-after", output(renewed, "kubeconfig"));
    expect([(await getObject(after, "namespace", namespace)).metadata.uid, (await getObject(after, "configmap", "settings", namespace)).metadata.uid]).toEqual(uids);
    console.log(
      `unpinned k8s.Provider at renewal: preview ${JSON.stringify(plan.changeSummary)} (provider, Namespace, ConfigMap: replace); ` +
        `up ${JSON.stringify(renewed.changes)} (provider: update; Namespace, ConfigMap: same, uids kept)`,
    );
  }));
