/**
 * ExecKubeconfig from a Pulumi YAML program (issue 19, item 5), through the plain CLI with both
 * plugins installed from tarballs (helpers/plugin-program.ts). The program is
 * examples/yaml-exec/Pulumi.yaml itself. The credentials are in the environment of `pulumi`, as
 * the exec kubeconfig requires; the emulator's EIP cluster is handed over to a real control plane,
 * so the Kubernetes plugin creates real objects by running the kubeconfig's command:
 * - `cce-kubeconfig` found on PATH, installed by `npm install -g` of the packed package;
 * - then a path the program gives (`command`), with that PATH entry gone.
 */
import { execFile } from "node:child_process";
import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";
import { execKubectl, execOf } from "../helpers/exec-kubectl";
import { startClusterControlPlane, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { outputValues, pluginProgram, type PluginProgram } from "../helpers/plugin-program";
import { expectNoClientCredentialInState } from "../helpers/exec-state-audit";
import { requireTool } from "../helpers/tools";

jest.setTimeout(600_000);

const CLUSTER_ID = EIP_CLUSTER_ID;
const USER: EmulatorCredential = { accessKey: "AKYAMLEXECUSER000001", secretKey: "SKyaml-exec-user-secret-key-00000000000001" };

const run = promisify(execFile);
const steps = new Steps(() => plane);
let emulator: Emulator;
let plane: ControlPlane | undefined;
let program: PluginProgram;
let kubectl: ReturnType<typeof execKubectl>;
let cache: string | undefined;
/** The bin folder of `npm install -g --prefix`: cce-kubeconfig is there. */
let globalBin: string | undefined;
/** Whether the global bin folder is on PATH of pulumi and kubectl. */
let onPath = true;

/**
 * The environment every command adds: the emulator, the credentials, the command's cache, and PATH
 * (the cache and the global bin folder are there once made, after the install).
 */
function environment(): NodeJS.ProcessEnv {
  const path = program.setup.env["PATH"] ?? "";
  return {
    HW_CCE_ENDPOINT: emulator.url,
    HW_ACCESS_KEY: USER.accessKey,
    HW_SECRET_KEY: USER.secretKey,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    ...(cache === undefined ? {} : { CCE_KUBECONFIG_CACHE_DIR: cache }),
    PATH: onPath && globalBin !== undefined ? [globalBin, path].join(delimiter) : path,
  };
}

interface StackOutputs {
  namespace: string;
  configMap: string;
  configMapUid: string;
  kubeconfig: string;
}

const cacheEntries = () => readdirSync(cache!).filter((f) => f.endsWith(".json"));

beforeAll(async () => {
  const kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  emulator = await startTestEmulator({ credentials: [USER] });
  program = pluginProgram({
    name: "plugin-yaml-exec",
    language: "yaml",
    program: "examples/yaml-exec/Pulumi.yaml",
    kubernetes: true,
    steps,
    config: { clusterId: CLUSTER_ID },
    env: environment,
  });
  await program.install();
  cache = join(program.work, "exec-cache");
  kubectl = execKubectl({ kubectl: kubectlBin, dir: program.work, steps, env: () => ({ ...program.setup.env, ...environment() }) });
  // The command as users install it: npm install -g of the packed package (global-setup packs it).
  const prefix = join(program.work, "npm-global");
  await steps.run("npm install -g of the packed package", () =>
    run("npm", ["install", "-g", "--prefix", prefix, "--no-audit", "--no-fund", "--prefer-offline", "--legacy-peer-deps", "--loglevel=error", process.env["CCE_TEST_TARBALL"]!]),
  );
  globalBin = join(prefix, "bin");
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
}, 600_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  await program?.dispose();
});

let created: StackOutputs;

test("1. up creates the Namespace and the ConfigMap on the API server, minting exactly one certificate; the kubeconfig runs cce-kubeconfig from PATH", () =>
  steps.run("test 1", async () => {
    expect(() => accessSync(join(globalBin!, "cce-kubeconfig"), constants.X_OK)).not.toThrow();
    const mints = emulator.mintCount(CLUSTER_ID);
    const up = await program.up();
    // The stack, the exec kubeconfig, the Kubernetes provider, the Namespace, the ConfigMap.
    expect(up.changes).toEqual({ create: 5 });
    expect(emulator.mintCount(CLUSTER_ID) - mints).toBe(1);
    expect(cacheEntries()).toHaveLength(1);
    created = outputValues<StackOutputs>(up);
    expect(execOf(created.kubeconfig)).toMatchObject({ command: "cce-kubeconfig", args: ["credential", "--cluster-id", CLUSTER_ID] });
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
    const server = (parse(created.kubeconfig) as { clusters: Array<{ cluster: { server: string } }> }).clusters[0]!.cluster.server;
    const cacheEntry = readFileSync(join(cache!, cacheEntries()[0]!), "utf8");
    await expectNoClientCredentialInState({ program, issued: emulator.certificates(CLUSTER_ID), credentials: [USER.accessKey, USER.secretKey], server, cacheEntry });
  }));

test("4. a command path the program gives: up updates the kubeconfig and the provider in place, minting nothing; kubectl runs that path with cce-kubeconfig off PATH (control: the PATH kubeconfig then fails)", () =>
  steps.run("test 4", async () => {
    const path = join(process.env["CCE_TEST_PROGRAM_DIR"]!, "node_modules", "pulumi-cce-kubeconfig", "dist", "exec", "main.js");
    expect(() => accessSync(path, constants.X_OK)).not.toThrow();
    const mints = emulator.mintCount(CLUSTER_ID);
    onPath = false;
    await program.setConfig("command", path);
    const up = await program.up();
    const { changes, steps: done } = up;
    expect(changes).toEqual({ update: 2, same: 3 });
    expect([done["access"], done["cce"], done["apps"], done["settings"]]).toEqual([["update"], ["update"], ["same"], ["same"]]);
    const updated = outputValues<StackOutputs>(up);
    expect(execOf(updated.kubeconfig).command).toBe(path);
    const configMap = JSON.parse(await kubectl(updated.kubeconfig, ["-n", updated.namespace, "get", "configmap", updated.configMap, "-o", "json"]));
    expect(configMap.metadata.uid).toBe(created.configMapUid);
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
    expect(await kubectl(created.kubeconfig, ["-n", created.namespace, "get", "configmap", created.configMap], true)).toMatch(/cce-kubeconfig.*(not found|no such file)/i);
    created = updated;
  }));

test("5. destroy deletes the ConfigMap and the Namespace on the API server and mints nothing", () =>
  steps.run("test 5", async () => {
    const mints = emulator.mintCount(CLUSTER_ID);
    const destroyed = await program.destroy();
    expect(destroyed.changes).toEqual({ delete: 5 });
    expect(emulator.mintCount(CLUSTER_ID)).toBe(mints);
    expect(await kubectl(created.kubeconfig, ["-n", created.namespace, "get", "configmap", created.configMap], true)).toContain("NotFound");
    expect(await kubectl(created.kubeconfig, ["get", "namespace", created.namespace], true)).toContain("NotFound");
  }));
