/**
 * ExecKubeconfig (issue 15, item 2) in the real engine: the packed package in a program folder,
 * @pulumi/kubernetes's real plugin running the installed `cce-kubeconfig` as its exec credential
 * plugin, and a real kube-apiserver that the emulator's cluster is handed over to. Mints are
 * counted by the emulator; `pulumi stack export` is scanned for every minted certificate.
 *
 * The engine's environment is a machine's whose credentials are the emulator's key pair in HW_*
 * (built with cloudFreeEnv, so the metadata fallback asks a closed loopback port), with the
 * command's cache in a folder of the test. HW_CCE_ENDPOINT is deliberately not set: the program's
 * `endpoint` input reaches the command as `--endpoint`.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { cloudFreeEnv } from "../helpers/cloud-free-env";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { engineEnv, runStack, type StackResult, type StackSpec } from "../helpers/engine";
import { startClusterControlPlane, StepError, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { programDir } from "../helpers/program-dir";
import { containsValue } from "../helpers/state-scan";
import { requireTool } from "../helpers/tools";

jest.setTimeout(900_000);

const CLUSTER_ID = DEFAULT_CLUSTER_ID;
const USER: EmulatorCredential = { accessKey: "AKEXECENGINEUSER0001", secretKey: "SKexec-engine-user-secret-key-0000000001" };
const STACK = "exec-main";

const run = promisify(execFile);
const steps = new Steps(() => plane);
let emulator: Emulator;
let plane: ControlPlane | undefined;
let kubectlBin: string;
let work: string;
let cache: string;
let engineLogs: string;
/** The engine's environment without any credentials, and with the emulator's key pair. */
let bare: NodeJS.ProcessEnv;
let withKeys: NodeJS.ProcessEnv;
let engineRuns = 0;
let created: StackResult;

function stackConfig(extra: StackSpec["config"] = {}, greeting = "hello"): StackSpec["config"] {
  return { "e2e:endpoint": { value: emulator.url }, "e2e:clusterId": { value: CLUSTER_ID }, "e2e:greeting": { value: greeting }, ...extra };
}

async function op(stack: string, name: StackSpec["op"], env: NodeJS.ProcessEnv, config: StackSpec["config"], options: { expectFailure?: boolean } = {}): Promise<StackResult> {
  const what = `pulumi ${name} (stack ${stack})`;
  return steps.run(what, async () => {
    const spec: StackSpec = {
      programDir: programDir(),
      programFile: "exec-kubeconfig-program.js",
      project: "cce-exec-e2e",
      stack,
      backendUrl: `file://${join(work, "state")}`,
      op: name,
      config,
    };
    const log = join(engineLogs, `${String(++engineRuns).padStart(2, "0")}-${stack}-${name}.log`);
    const result = await runStack(spec, env);
    writeFileSync(log, `${result.message ?? ""}\n${result.output ?? ""}`);
    if (!result.ok && !options.expectFailure) throw new StepError("engine", log, `engine failed: ${what}: ${result.message} (log: ${log})`);
    if (result.ok && options.expectFailure) throw new StepError("engine", log, `${what} succeeded; the test expected it to fail (log: ${log})`);
    return result;
  });
}

const output = (result: StackResult, key: string) => result.outputs?.[key]?.value as string;
const cacheEntries = () => readdirSync(cache).filter((f) => f.endsWith(".json"));

/** kubectl with the stack's exec kubeconfig and the engine's environment: it runs the same command, from the same cache. */
async function kubectl(kubeconfigText: string, args: string[]): Promise<string> {
  const file = join(work, "exec.kubeconfig");
  writeFileSync(file, kubeconfigText, { mode: 0o600 });
  return steps.run(
    `kubectl ${args.join(" ")}`,
    async () => (await run(kubectlBin, ["--kubeconfig", file, "--cache-dir", join(work, "kcache"), "--request-timeout", "30s", ...args], { env: withKeys })).stdout,
    "kube-apiserver",
  );
}

/** What must never be in a state export: a private key marker (PEM or base64), every minted certificate, the key pair. */
function leaksIn(state: string): string[] {
  const found: string[] = [];
  // "-----BEGIN " + a key type, raw and as the start of a base64 kubeconfig field.
  for (const marker of ["PRIVATE KEY", "LS0tLS1CRUdJTiBQUklWQVRF", "LS0tLS1CRUdJTiBFQyBQUklWQVRF", "LS0tLS1CRUdJTiBSU0EgUFJJVkFURS"]) {
    if (containsValue(state, marker)) found.push(`private key marker ${marker}`);
  }
  for (const issued of emulator.certificates()) {
    const pem = issued.certificatePem.trim();
    if (containsValue(state, pem) || containsValue(state, Buffer.from(issued.certificatePem).toString("base64"))) found.push(`certificate ${issued.serialNumber}`);
    // The body alone, in case a re-encoding changed the line ends.
    const body = pem.split("\n").slice(1, -1).join("");
    if (body.length > 0 && containsValue(state, body.slice(0, 64))) found.push(`certificate body ${issued.serialNumber}`);
  }
  for (const secret of [USER.accessKey, USER.secretKey]) if (containsValue(state, secret)) found.push(`credential ${secret.slice(0, 4)}…`);
  return [...new Set(found)];
}

beforeAll(async () => {
  kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  work = mkdtempSync(join(tmpdir(), "cce-exec-engine-"));
  engineLogs = mkdtempSync(join(tmpdir(), "cce-exec-engine-logs-"));
  cache = join(work, "exec-cache");
  mkdirSync(join(work, "state"));
  const engine = await steps.run(
    "finding the Pulumi CLI and the Kubernetes plugin",
    () => engineEnv(join(work, "pulumi-home")),
    "build (npm run install-tools: scripts/install-pulumi.sh, scripts/install-kubernetes-provider.sh)",
  );
  bare = cloudFreeEnv(engine, { CCE_KUBECONFIG_CACHE_DIR: cache, HW_PROJECT_ID: DEFAULT_PROJECT_ID });
  withKeys = { ...bare, HW_ACCESS_KEY: USER.accessKey, HW_SECRET_KEY: USER.secretKey };
  emulator = await startTestEmulator({ credentials: [USER] });
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
  copyFileSync(join(__dirname, "exec-kubeconfig-program.js"), join(programDir(), "exec-kubeconfig-program.js"));
}, 600_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (engineLogs && steps.failed()) console.log(`engine logs kept for the failed step(s): ${engineLogs}`);
  else if (engineLogs) rmSync(engineLogs, { recursive: true, force: true });
});

test("1. up creates the exec kubeconfig, the provider, a Namespace and a ConfigMap on the API server, minting exactly one certificate (create's, which the Kubernetes provider reuses from the cache)", () =>
  steps.run("test 1", async () => {
    const mints = emulator.mintCount();
    created = await op(STACK, "up", withKeys, stackConfig());
    expect(created.changes).toEqual({ create: 5 }); // the stack, the exec kubeconfig, the provider, the Namespace, the ConfigMap
    const minted = emulator.mintCount() - mints;
    console.log(`ExecKubeconfig engine test: the first up minted ${minted} certificate(s)`);
    expect(minted).toBe(1);
    expect(cacheEntries()).toHaveLength(1);

    // The command is the installed package's, made executable by npm as a bin target.
    const commandPath = output(created, "commandPath");
    expect(commandPath).toBe(join(programDir(), "node_modules", "pulumi-cce-kubeconfig", "dist", "exec", "main.js"));
    expect(() => accessSync(commandPath, constants.X_OK)).not.toThrow();
    const doc = parse(output(created, "kubeconfig"));
    expect(doc.users[0].user).toEqual({
      exec: {
        apiVersion: "client.authentication.k8s.io/v1",
        command: commandPath,
        args: ["credential", "--cluster-id", CLUSTER_ID, "--endpoint", emulator.url],
        interactiveMode: "Never",
        provideClusterInfo: false,
      },
    });
    expect(doc.clusters[0].cluster.server).toBe(plane!.url);
    expect(output(created, "server")).toBe(plane!.url);

    // The objects are on the API server: kubectl with the same kubeconfig, served from the cache.
    const namespace = output(created, "namespace");
    expect(JSON.parse(await kubectl(output(created, "kubeconfig"), ["get", "namespace", namespace, "-o", "json"])).metadata.uid).toBe(output(created, "namespaceUid"));
    const configMap = JSON.parse(await kubectl(output(created, "kubeconfig"), ["-n", namespace, "get", "configmap", "settings", "-o", "json"]));
    expect(configMap.data).toEqual({ greeting: "hello" });
    expect(emulator.mintCount() - mints).toBe(1);
  }));

test("2. a second up changes nothing and mints nothing; a third with new ConfigMap data patches it in place (same uid), minting nothing", () =>
  steps.run("test 2", async () => {
    const mints = emulator.mintCount();
    const again = await op(STACK, "up", withKeys, stackConfig());
    expect(again.changes).toEqual({ same: 5 });
    const patched = await op(STACK, "up", withKeys, stackConfig({}, "patched"));
    expect(patched.changes).toEqual({ same: 4, update: 1 });
    expect(patched.steps?.[output(created, "configMapUrn")]).toEqual(["update"]);
    const minted = emulator.mintCount() - mints;
    console.log(`ExecKubeconfig engine test: the second and third ups minted ${minted} certificate(s)`);
    expect(minted).toBe(0);
    const namespace = output(created, "namespace");
    const configMap = JSON.parse(await kubectl(output(created, "kubeconfig"), ["-n", namespace, "get", "configmap", "settings", "-o", "json"]));
    expect(configMap.metadata.uid).toBe(output(created, "configMapUid"));
    expect(configMap.data).toEqual({ greeting: "patched" });
  }));

test("3. pulumi stack export, plain and --show-secrets, holds no client certificate, no private key and no credential; control: the same scan finds a ClusterCertificate's in another stack", () =>
  steps.run("test 3", async () => {
    expect(emulator.certificates().length).toBeGreaterThan(0);
    const plain = (await op(STACK, "export", withKeys, stackConfig())) as StackResult & { state: string };
    const shown = (await op(STACK, "export-secrets", withKeys, stackConfig())) as StackResult & { state: string };
    expect(leaksIn(plain.state)).toEqual([]);
    expect(leaksIn(shown.state)).toEqual([]);
    // The secret outputs are there (so the scan read the decrypted state): the server, in plaintext only with --show-secrets.
    expect(containsValue(shown.state, plane!.url)).toBe(true);
    expect(containsValue(plain.state, plane!.url)).toBe(false);

    const control = (await op("exec-control", "up", withKeys, stackConfig({ "e2e:mode": { value: "certificate" } }))) as StackResult;
    expect(control.changes).toEqual({ create: 2 });
    const controlState = ((await op("exec-control", "export-secrets", withKeys, stackConfig({ "e2e:mode": { value: "certificate" } }))) as StackResult & { state: string }).state;
    const found = leaksIn(controlState);
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^private key marker/), `certificate ${emulator.certificates().at(-1)!.serialNumber}`]));
    await op("exec-control", "destroy", withKeys, stackConfig({ "e2e:mode": { value: "certificate" } }));
  }));

test("4. an up whose only credentials are in stack config (huaweicloud:accessKey and secretKey) fails with the documented message, mints nothing and stores no ExecKubeconfig", () =>
  steps.run("test 4", async () => {
    const mints = emulator.mintCount();
    const config = stackConfig({
      "huaweicloud:accessKey": { value: USER.accessKey, secret: true },
      "huaweicloud:secretKey": { value: USER.secretKey, secret: true },
      "huaweicloud:projectId": { value: DEFAULT_PROJECT_ID },
    });
    const failed = await op("exec-config-only", "up", bare, config, { expectFailure: true });
    expect(failed.message).toContain("ExecKubeconfig: no CCE credentials outside the stack. An exec kubeconfig mints its certificates at use time");
    expect(failed.message).toContain("The stack config's credentials (huaweicloud:accessKey + huaweicloud:secretKey) are not used: the command cannot read the stack.");
    expect(failed.message).toMatch(/nothing was stored\. The chain said: no CCE credentials found/);
    for (const secret of [USER.accessKey, USER.secretKey]) expect(`${failed.message}${failed.output}`).not.toContain(secret);
    expect(emulator.mintCount()).toBe(mints);
    const state = ((await op("exec-config-only", "export", bare, config)) as StackResult & { state: string }).state;
    expect(state).not.toContain("ExecKubeconfig");
    await op("exec-config-only", "remove", bare, config);
  }));

test("5. destroy deletes the ConfigMap and the Namespace on the API server, then the exec kubeconfig, minting nothing", () =>
  steps.run("test 5", async () => {
    const mints = emulator.mintCount();
    const destroyed = await op(STACK, "destroy", withKeys, stackConfig({}, "patched"));
    expect(destroyed.changes).toEqual({ delete: 5 });
    expect(emulator.mintCount()).toBe(mints);
    const namespace = output(created, "namespace");
    const gone = await run(kubectlBin, ["--kubeconfig", join(work, "exec.kubeconfig"), "--request-timeout", "30s", "get", "namespace", namespace], { env: withKeys }).then(
      () => "found",
      (error: { stderr?: string }) => String(error.stderr),
    );
    expect(gone).toContain("NotFound");
  }));
