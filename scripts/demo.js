#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: runs examples/basic with the real Pulumi engine on a local file backend, prints
 * what a user needs, proves the kubeconfig with kubectl, and cleans up.
 *
 * On the bundled CCE emulator by default. Against Huawei Cloud when credentials and a cluster are
 * set: HW_ACCESS_KEY + HW_SECRET_KEY (or HW_AUTH_TOKEN, or HW_USER_NAME + HW_USER_PASSWORD +
 * HW_DOMAIN_NAME), HW_PROJECT_ID, HW_REGION_NAME and HW_CCE_CLUSTER_ID.
 *
 * `--kubernetes` runs examples/kubernetes instead: the emulator's cluster is handed over to a real
 * control plane (etcd, kube-apiserver, kube-controller-manager, built by npm run install-tools), and
 * @pulumi/kubernetes deploys a Namespace and a ConfigMap there with the certificate's kubeconfig;
 * the demo shows them with `kubectl get`, then destroys them. Emulator only: it never deploys to a
 * cloud cluster.
 *
 * `--keep` keeps the stack and the kubeconfig file (and, with --kubernetes, the control plane's logs).
 */
const { execFileSync, execFile } = require("node:child_process");
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { promisify } = require("node:util");
const { REPO_ROOT, KUBERNETES_SDK_VERSION, buildPackage, engineEnv, installProgram, packPackage, runStack } = require("./engine/program");

const say = (/** @type {string} */ line) => process.stderr.write(`demo: ${line}\n`);
const keep = process.argv.includes("--keep");
const kubernetes = process.argv.includes("--kubernetes");
const CLUSTER_ID = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";

/** A demo step that failed, naming the component (build, etcd, API server, engine) and its log. */
class DemoError extends Error {
  /** @param {string} component @param {string} message */
  constructor(component, message) {
    super(`${component} failed: ${message}`);
    this.name = "DemoError";
  }
}

/**
 * Runs an install script (a no-op of well under a second once built); its progress goes to stderr.
 * @param {string} script @returns {string} the bin dir it prints last
 */
function install(script) {
  try {
    return (
      execFileSync("bash", [path.join(REPO_ROOT, "scripts", script)], { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" })
        .trim()
        .split("\n")
        .at(-1) ?? ""
    );
  } catch {
    throw new DemoError("build", `scripts/${script} failed (its output is above)`);
  }
}

/** @param {string} work @param {string} file @param {string[]} args */
async function kubectl(work, file, args) {
  return (await promisify(execFile)("kubectl", ["--kubeconfig", file, "--cache-dir", path.join(work, "kcache"), "--request-timeout", "30s", ...args])).stdout;
}

async function main() {
  const started = Date.now();
  const e = process.env;
  const cloud = Boolean(
    e["HW_CCE_CLUSTER_ID"] &&
      ((e["HW_ACCESS_KEY"] && e["HW_SECRET_KEY"]) || e["HW_AUTH_TOKEN"] || (e["HW_USER_PASSWORD"] && (e["HW_USER_NAME"] || e["HW_USER_ID"]))),
  );
  if (kubernetes && cloud) {
    throw new DemoError("demo", "--kubernetes runs on the bundled emulator and a local control plane only; unset HW_CCE_CLUSTER_ID to run it");
  }
  const example = kubernetes ? "kubernetes" : "basic";
  say("building the package...");
  buildPackage();

  say("making the Pulumi CLI available (the first run builds it from Go modules: about 3-7 minutes on 2 cores)...");
  const binDirs = [install("install-pulumi.sh")];
  if (kubernetes) {
    say("making the Kubernetes provider plugin and control plane available (the first run builds them from Go modules: about 22-35 minutes on 2 cores)...");
    binDirs.push(install("install-kubernetes-provider.sh"));
    install("install-kubernetes-server.sh");
  }

  const work = mkdtempSync(path.join(tmpdir(), "cce-demo-"));
  const env = engineEnv(binDirs, path.join(work, "pulumi-home"));
  /** @type {{ stop(): Promise<void> } | undefined} */
  let emulator;
  /** @type {import("./kubernetes/control-plane").ControlPlane | undefined} */
  let plane;
  /** @type {Record<string, {value: string, secret?: boolean}>} */
  const config = {};
  const project = `cce-kubeconfig-${example}`;
  let failed = false;
  try {
    if (cloud) {
      say(`using Huawei Cloud: cluster ${process.env["HW_CCE_CLUSTER_ID"]} (credentials and project from HW_* variables)`);
      config[`${project}:clusterId`] = { value: process.env["HW_CCE_CLUSTER_ID"] ?? "" };
    } else {
      const { startEmulator, DEFAULT_PROJECT_ID } = require(path.join(REPO_ROOT, "dist", "emulator"));
      const started = await startEmulator({ projects: [{ id: DEFAULT_PROJECT_ID, clusters: [{ id: CLUSTER_ID, name: "demo", eip: true }] }] });
      emulator = started;
      say(`no cloud credentials set: using the bundled CCE emulator at ${started.url} (cluster ${CLUSTER_ID}, with an EIP)`);
      if (kubernetes) {
        say("starting etcd, kube-apiserver and kube-controller-manager on loopback, and handing the cluster over to them...");
        const { startClusterControlPlane } = require("./kubernetes/control-plane");
        try {
          plane = await startClusterControlPlane(started, CLUSTER_ID, { keepLogs: keep });
        } catch (error) {
          // A ControlPlaneError names its component (build, etcd, kube-apiserver, ...) and its log.
          throw new DemoError("control plane", error instanceof Error ? error.message : String(error));
        }
        say(`the cluster's API server is now kube-apiserver at ${plane.url} (its logs are kept if a step fails, or with --keep)`);
      }
      env["HW_CCE_ENDPOINT"] = started.url;
      // The emulator's key pair from stack config must be what signs: a token in the environment
      // would win over it (the Terraform provider's order), and an agency would be assumed.
      for (const key of Object.keys(env)) if (/^HW_(AUTH_TOKEN|USER_|ASSUME_ROLE_)/.test(key)) delete env[key];
      config[`${project}:clusterId`] = { value: CLUSTER_ID };
      config["huaweicloud:projectId"] = { value: DEFAULT_PROJECT_ID };
      config["huaweicloud:accessKey"] = { value: started.credentials[0].accessKey, secret: true };
      config["huaweicloud:secretKey"] = { value: started.credentials[0].secretKey, secret: true };
    }

    say("installing the package into a program folder the way users do (npm pack, npm install)...");
    const programDir = path.join(work, "program");
    mkdirSync(programDir);
    installProgram(packPackage(path.join(work, "pack")), programDir, kubernetes ? [`@pulumi/kubernetes@${KUBERNETES_SDK_VERSION}`] : []);
    const ts = require("typescript");
    const source = readFileSync(path.join(REPO_ROOT, "examples", example, "index.ts"), "utf8");
    writeFileSync(
      path.join(programDir, "index.js"),
      ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText,
    );
    mkdirSync(path.join(work, "state"));
    const spec = { programDir, programFile: "index.js", project, stack: "demo", backendUrl: `file://${path.join(work, "state")}`, config };
    /** @param {"up" | "destroy" | "remove"} op */
    const engine = async (op) => {
      const result = await runStack({ ...spec, op }, env);
      if (!result.ok) {
        const log = path.join(tmpdir(), `cce-demo-engine-${op}-${process.pid}.log`);
        writeFileSync(log, `${result.message ?? ""}\n${result.output ?? ""}`);
        throw new DemoError("engine", `pulumi ${op} (examples/${example}): ${String(result.message).split("\n")[0]} (log: ${log})`);
      }
      return result;
    };

    say(`pulumi up (examples/${example}) with the real engine on a local backend...`);
    const up = await engine("up");
    const out = (/** @type {string} */ key) => up.outputs?.[key]?.value;

    const kubeconfigFile = path.join(work, "kubeconfig");
    writeFileSync(kubeconfigFile, String(out("kubeconfig")), { mode: 0o600 });
    const where = keep ? kubeconfigFile : "a temporary file, removed at cleanup (--keep keeps it)";
    if (kubernetes) {
      process.stdout.write(
        [
          "",
          `  namespace        ${out("namespaceName")}`,
          `  config map       ${out("configMapName")}`,
          `  expires at       ${out("expiresAt")}`,
          `  kubeconfig       ${where}`,
          "",
        ].join("\n") + "\n",
      );
      say(`what @pulumi/kubernetes created, seen by kubectl with the certificate's kubeconfig:`);
      const namespace = String(out("namespaceName"));
      process.stdout.write(`\n$ kubectl get namespace ${namespace}\n${await kubectl(work, kubeconfigFile, ["get", "namespace", namespace])}`);
      process.stdout.write(
        `\n$ kubectl -n ${namespace} get configmap ${out("configMapName")} -o jsonpath='{.data}'\n` +
          `${await kubectl(work, kubeconfigFile, ["-n", namespace, "get", "configmap", String(out("configMapName")), "-o", "jsonpath={.data}"])}\n\n`,
      );
    } else {
      const contexts = /** @type {{name: string, cluster: string}[]} */ (out("contexts"));
      process.stdout.write(
        [
          "",
          `  cluster id       ${out("clusterId")}`,
          `  server           ${out("server")}`,
          `  contexts         ${contexts.map((c) => c.name).join(", ")}`,
          `  current context  ${out("currentContext")}`,
          `  expires at       ${out("expiresAt")}`,
          `  kubeconfig       ${where}  (secret outputs: kubeconfig, server, contexts, clusters, client key and certificate)`,
          "",
        ].join("\n") + "\n",
      );
      say("proving the kubeconfig: kubectl get --raw /version ...");
      const stdout = await kubectl(work, kubeconfigFile, ["get", "--raw", "/version"]);
      process.stdout.write(`  kubectl          ok, server version ${JSON.parse(stdout).gitVersion}\n\n`);
    }

    if (keep) {
      say(`kept the stack (backend ${spec.backendUrl}, PULUMI_HOME ${env["PULUMI_HOME"]}) and ${kubeconfigFile}`);
      if (plane) say(`kept the control plane's logs in ${plane.logDir}; the emulator and the control plane stop now`);
      return;
    }
    say(`cleaning up: pulumi destroy (${kubernetes ? "deletes the ConfigMap and Namespace; " : ""}mints and revokes nothing), stack rm...`);
    await engine("destroy");
    await engine("remove");
    rmSync(work, { recursive: true, force: true });
    say(`removed the stack, the kubeconfig and ${work}; done in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await plane?.stop({ keepLogs: keep || failed });
    if (plane && failed) say(`the control plane's logs (etcd, kube-apiserver, kube-controller-manager, audit) are in ${plane.logDir}`);
    await emulator?.stop();
  }
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
