#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: runs examples/basic with the real Pulumi engine on a local file backend, prints
 * what a user needs, proves the kubeconfig with kubectl, and cleans up.
 *
 * On the bundled CCE emulator by default. Against Huawei Cloud when credentials and a cluster are
 * set: HW_ACCESS_KEY + HW_SECRET_KEY (or HW_AUTH_TOKEN, or HW_USER_NAME + HW_USER_PASSWORD +
 * HW_DOMAIN_NAME), HW_PROJECT_ID, HW_REGION_NAME and HW_CCE_CLUSTER_ID. `--keep` keeps the stack and the kubeconfig file.
 */
const { execFileSync, execFile } = require("node:child_process");
const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const { promisify } = require("node:util");
const { REPO_ROOT, buildPackage, engineEnv, installProgram, packPackage, runStack } = require("./engine/program");

const say = (/** @type {string} */ line) => process.stderr.write(`demo: ${line}\n`);
const keep = process.argv.includes("--keep");

async function main() {
  const started = Date.now();
  say("building the package...");
  buildPackage();

  say("making the Pulumi CLI available (the first run builds it from Go modules: about 3-5 minutes on 2 cores)...");
  const binDir = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "install-pulumi.sh")], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  }).trim().split("\n").at(-1) ?? "";

  const work = mkdtempSync(path.join(tmpdir(), "cce-demo-"));
  const env = engineEnv([binDir], path.join(work, "pulumi-home"));
  /** @type {{ stop(): Promise<void> } | undefined} */
  let emulator;
  const e = process.env;
  const cloud = Boolean(
    e["HW_CCE_CLUSTER_ID"] &&
      ((e["HW_ACCESS_KEY"] && e["HW_SECRET_KEY"]) || e["HW_AUTH_TOKEN"] || (e["HW_USER_PASSWORD"] && (e["HW_USER_NAME"] || e["HW_USER_ID"]))),
  );
  /** @type {Record<string, {value: string, secret?: boolean}>} */
  const config = {};
  const project = "cce-kubeconfig-basic";
  try {
    if (cloud) {
      say(`using Huawei Cloud: cluster ${process.env["HW_CCE_CLUSTER_ID"]} (credentials and project from HW_* variables)`);
      config[`${project}:clusterId`] = { value: process.env["HW_CCE_CLUSTER_ID"] ?? "" };
    } else {
      const { startEmulator, DEFAULT_PROJECT_ID } = require(path.join(REPO_ROOT, "dist", "emulator"));
      const clusterId = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";
      const started = await startEmulator({ projects: [{ id: DEFAULT_PROJECT_ID, clusters: [{ id: clusterId, name: "demo", eip: true }] }] });
      emulator = started;
      say(`no cloud credentials set: using the bundled CCE emulator at ${started.url} (cluster ${clusterId}, with an EIP)`);
      env["HW_CCE_ENDPOINT"] = started.url;
      // The emulator's key pair from stack config must be what signs: a token in the environment
      // would win over it (the Terraform provider's order), and an agency would be assumed.
      for (const key of Object.keys(env)) if (/^HW_(AUTH_TOKEN|USER_|ASSUME_ROLE_)/.test(key)) delete env[key];
      config[`${project}:clusterId`] = { value: clusterId };
      config["huaweicloud:projectId"] = { value: DEFAULT_PROJECT_ID };
      config["huaweicloud:accessKey"] = { value: started.credentials[0].accessKey, secret: true };
      config["huaweicloud:secretKey"] = { value: started.credentials[0].secretKey, secret: true };
    }

    say("installing the package into a program folder the way users do (npm pack, npm install)...");
    const programDir = path.join(work, "program");
    mkdirSync(programDir);
    installProgram(packPackage(path.join(work, "pack")), programDir);
    const ts = require("typescript");
    const source = readFileSync(path.join(REPO_ROOT, "examples", "basic", "index.ts"), "utf8");
    writeFileSync(
      path.join(programDir, "index.js"),
      ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText,
    );
    mkdirSync(path.join(work, "state"));
    const spec = { programDir, programFile: "index.js", project, stack: "demo", backendUrl: `file://${path.join(work, "state")}`, config };

    say("pulumi up (examples/basic) with the real engine on a local backend...");
    const up = await runStack({ ...spec, op: "up" }, env);
    if (!up.ok) throw new Error(`pulumi up failed: ${up.message}`);
    const out = (/** @type {string} */ key) => up.outputs?.[key]?.value;

    const kubeconfigFile = path.join(work, "kubeconfig");
    writeFileSync(kubeconfigFile, String(out("kubeconfig")), { mode: 0o600 });
    const contexts = /** @type {{name: string, cluster: string}[]} */ (out("contexts"));
    process.stdout.write(
      [
        "",
        `  cluster id       ${out("clusterId")}`,
        `  server           ${out("server")}`,
        `  contexts         ${contexts.map((c) => c.name).join(", ")}`,
        `  current context  ${out("currentContext")}`,
        `  expires at       ${out("expiresAt")}`,
        `  kubeconfig       ${kubeconfigFile}  (secret outputs: kubeconfig, server, contexts, clusters, client key and certificate)`,
        "",
      ].join("\n") + "\n",
    );

    say("proving the kubeconfig: kubectl get --raw /version ...");
    const { stdout } = await promisify(execFile)("kubectl", ["--kubeconfig", kubeconfigFile, "--cache-dir", path.join(work, "kcache"), "get", "--raw", "/version"]);
    process.stdout.write(`  kubectl          ok, server version ${JSON.parse(stdout).gitVersion}\n\n`);

    if (keep) {
      say(`kept the stack (backend ${spec.backendUrl}, PULUMI_HOME ${env["PULUMI_HOME"]}) and ${kubeconfigFile}`);
      return;
    }
    say("cleaning up: pulumi destroy (mints and revokes nothing), stack rm...");
    const destroyed = await runStack({ ...spec, op: "destroy" }, env);
    if (!destroyed.ok) throw new Error(`pulumi destroy failed: ${destroyed.message}`);
    await runStack({ ...spec, op: "remove" }, env);
    rmSync(work, { recursive: true, force: true });
    say(`done in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await emulator?.stop();
  }
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
