/**
 * ExecKubeconfig from Go (issue 19, item 5): examples/go-exec (execkubeconfig.Program, which the
 * driver test/e2e/go imports and runs as an Automation API inline program) through the generated
 * SDK (sdk/go) and the Kubernetes Go SDK, with both plugins installed from tarballs, through
 * helpers/plugin-program.ts. The credentials are in the environment of the engine, as the exec
 * kubeconfig requires; the emulator's EIP cluster is handed over to a real control plane, so the
 * Kubernetes plugin creates real objects by running the kubeconfig's command, here the packed
 * package's bin at an absolute path (`command`; cce-kubeconfig found on PATH is
 * plugin-yaml-exec.test.ts's).
 */
import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { execKubectl, execOf } from "../helpers/exec-kubectl";
import { startClusterControlPlane, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { cceKubeconfigVersion, type PluginSetup } from "../helpers/plugin-install";
import { outputValues, pluginProgram, type PluginProgram } from "../helpers/plugin-program";
import { goKubernetesSdkVersion } from "../helpers/sdk-programs";
import { expectNoClientCredentialInState } from "../helpers/exec-state-audit";
import { requireTool } from "../helpers/tools";

jest.setTimeout(600_000);

const CLUSTER_ID = EIP_CLUSTER_ID;
const USER: EmulatorCredential = { accessKey: "AKGOEXECUSER00000001", secretKey: "SKgo-exec-user-secret-key-0000000000000001" };
/** The command the kubeconfig runs: the bin of the packed package that global-setup installs. */
const COMMAND = join(process.env["CCE_TEST_PROGRAM_DIR"] ?? "", "node_modules", "pulumi-cce-kubeconfig", "dist", "exec", "main.js");

const steps = new Steps(() => plane);
let emulator: Emulator;
let plane: ControlPlane | undefined;
let program: PluginProgram;
let setup: PluginSetup;
let kubectl: ReturnType<typeof execKubectl>;
let cache: string | undefined;

/** The environment of the engine (and so of the Kubernetes plugin, which runs the command) and of kubectl. */
const environment = (): NodeJS.ProcessEnv => ({
  HW_CCE_ENDPOINT: emulator.url,
  HW_ACCESS_KEY: USER.accessKey,
  HW_SECRET_KEY: USER.secretKey,
  HW_PROJECT_ID: DEFAULT_PROJECT_ID,
  ...(cache === undefined ? {} : { CCE_KUBECONFIG_CACHE_DIR: cache }),
});

interface StackOutputs {
  namespace: string;
  configMap: string;
  configMapUid: string;
  kubeconfig: string;
  server: string;
}

const cacheEntries = () => readdirSync(cache!).filter((f) => f.endsWith(".json"));

beforeAll(async () => {
  const kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  emulator = await startTestEmulator({ credentials: [USER] });
  program = pluginProgram({
    name: "plugin-go-exec",
    language: "go",
    program: "examples/go-exec",
    kubernetes: true,
    steps,
    config: { clusterId: CLUSTER_ID, command: COMMAND },
    env: environment,
  });
  setup = await program.install();
  cache = join(program.work, "exec-cache");
  kubectl = execKubectl({ kubectl: kubectlBin, dir: program.work, steps, env: () => ({ ...setup.env, ...environment() }) });
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
}, 600_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  await program?.dispose();
});

let created: StackOutputs;

test("0. both plugins are installed from tarballs, the Kubernetes one under the version the Go SDK asks for, and ambient plugins are ignored", () => {
  expect(setup.installed).toEqual(
    expect.arrayContaining([
      { name: "cce-kubeconfig", kind: "resource", version: cceKubeconfigVersion() },
      { name: "kubernetes", kind: "resource", version: goKubernetesSdkVersion() },
    ]),
  );
  expect(setup.env["PULUMI_IGNORE_AMBIENT_PLUGINS"]).toBe("true");
});

test("1. up creates the Namespace and the ConfigMap on the API server, minting exactly one certificate; the kubeconfig runs the command the program gives", () =>
  steps.run("test 1", async () => {
    expect(() => accessSync(COMMAND, constants.X_OK)).not.toThrow();
    const mints = emulator.mintCount(CLUSTER_ID);
    const up = await program.up();
    // The stack, the exec kubeconfig, the Kubernetes provider, the Namespace, the ConfigMap.
    expect(up.changes).toEqual({ create: 5 });
    expect(emulator.mintCount(CLUSTER_ID) - mints).toBe(1);
    expect(cacheEntries()).toHaveLength(1);
    expect([up.outputs["kubeconfig"]?.secret, up.outputs["server"]?.secret]).toEqual([true, true]);
    created = outputValues<StackOutputs>(up);
    expect(execOf(created.kubeconfig)).toMatchObject({ command: COMMAND, args: ["credential", "--cluster-id", CLUSTER_ID] });
    const configMap = JSON.parse(await kubectl(created.kubeconfig, ["-n", created.namespace, "get", "configmap", created.configMap, "-o", "json"]));
    expect(configMap.metadata).toMatchObject({ name: "settings", namespace: "apps-exec", uid: created.configMapUid });
    expect(configMap.data).toEqual({ greeting: "hello from CCE, with no key in state" });
    // kubectl was served from the cache too.
    expect(emulator.mintCount(CLUSTER_ID) - mints).toBe(1);
  }));

test("2. refresh and a second up change nothing and mint nothing", () =>
  steps.run("test 2", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    await program.refresh({ expectNoChanges: true });
    const again = await program.up({ expectNoChanges: true });
    expect(again.changes).toEqual({ same: 5 });
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
  }));

test("3. pulumi stack export --show-secrets holds no client certificate, no private key and no credential; control: the scan finds the cache's key planted in it", () =>
  steps.run("test 3", async () => {
    // The server in the kubeconfig is the one output, and the audit finds it decrypted.
    const server = (parse(created.kubeconfig) as { clusters: Array<{ cluster: { server: string } }> }).clusters[0]!.cluster.server;
    expect(server).toBe(created.server);
    const cacheEntry = readFileSync(join(cache!, cacheEntries()[0]!), "utf8");
    await expectNoClientCredentialInState({ program, issued: emulator.certificates(CLUSTER_ID), credentials: [USER.accessKey, USER.secretKey], server, cacheEntry });
  }));

test("4. destroy deletes the ConfigMap and the Namespace on the API server and mints nothing", () =>
  steps.run("test 4", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    const destroyed = await program.destroy();
    expect(destroyed.changes).toEqual({ delete: 5 });
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
    expect(await kubectl(created.kubeconfig, ["-n", created.namespace, "get", "configmap", created.configMap], true)).toContain("NotFound");
    expect(await kubectl(created.kubeconfig, ["get", "namespace", created.namespace], true)).toContain("NotFound");
  }));
