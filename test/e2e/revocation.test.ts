/**
 * Revocation (issue 20) end to end: the emulator as CCE, its cluster handed over to a real
 * kube-apiserver, the built `cce-kubeconfig` and the machine's kubectl. A user's two certificates
 * (one a ClusterCertificate's, one in the exec command's cache) authenticate until
 * `cce-kubeconfig revoke --user-id` ends them; then kube-apiserver itself answers 401 (it reloads
 * its client CA bundle, which no longer holds the user's issuer), another user's certificate still
 * works, and the exec kubeconfig's next kubectl call mints exactly one certificate and succeeds. A
 * ClusterCertificate stack in the real engine recovers with `pulumi up --replace <urn>`.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import type { CertificateOutputs } from "../../src/provider/outputs";
import { cloudFreeEnv } from "../helpers/cloud-free-env";
import { engineEnv, runStack, type StackResult, type StackSpec } from "../helpers/engine";
import { programDir } from "../helpers/program-dir";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { startClusterControlPlane, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { requireTool } from "../helpers/tools";

jest.setTimeout(300_000);

const CLI = resolve(__dirname, "../../dist/exec/cli.js");
const CLUSTER_ID = DEFAULT_CLUSTER_ID;
const USER: EmulatorCredential = { accessKey: "AKREVOKEE2EUSER00001", secretKey: "SKrevoke-e2e-user-secret-key-0000000001" };
const OTHER: EmulatorCredential = { accessKey: "AKREVOKEE2EOTHER0001", secretKey: "SKrevoke-e2e-other-secret-key-000000001" };
/** kube-apiserver reloads --client-ca-file a moment after it changes: poll up to this long. */
const RELOAD_WAIT_MS = 60_000;

let emulator: Emulator;
let plane: ControlPlane | undefined;
const steps = new Steps(() => plane);
let kubectlBin: string;
let work: string;
let wrapper: string;

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

function runFile(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((done) => {
    execFile(file, args, { env, timeout: 60_000 }, (error: ExecFileException | null, stdout, stderr) =>
      done({ status: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    );
  });
}

const envOf = (credential: EmulatorCredential, cache: string): NodeJS.ProcessEnv =>
  cloudFreeEnv(process.env, {
    HW_ACCESS_KEY: credential.accessKey,
    HW_SECRET_KEY: credential.secretKey,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_CCE_ENDPOINT: emulator.url,
    CCE_KUBECONFIG_CACHE_DIR: cache,
    HOME: join(work, "home"),
  });

const kubectl = (kubeconfig: string, env: NodeJS.ProcessEnv) =>
  runFile(kubectlBin, ["--kubeconfig", kubeconfig, "--cache-dir", join(work, "kcache"), "--request-timeout", "20s", "get", "namespace", "default", "-o", "name"], env);

/** A kubeconfig file with a client certificate and key in it (PEM), for kubectl. */
function staticKubeconfig(name: string, certificatePem: string, keyPem: string): string {
  const file = join(work, `${name}.kubeconfig`);
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: plane!.url, "certificate-authority-data": b64(emulator.clusterCaPem(CLUSTER_ID)) } }],
    users: [{ name: "u", user: { "client-certificate-data": b64(certificatePem), "client-key-data": b64(keyPem) } }],
    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
    "current-context": "c",
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

/** Polls kubectl until it answers `status` (0 works, 1 refused), within RELOAD_WAIT_MS; returns the last answer. */
async function eventually(kubeconfig: string, env: NodeJS.ProcessEnv, status: number): Promise<Result> {
  const until = Date.now() + RELOAD_WAIT_MS;
  for (;;) {
    const result = await kubectl(kubeconfig, env);
    if (result.status === status || Date.now() > until) return result;
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.build.json)`);
  kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  work = mkdtempSync(join(tmpdir(), "cce-revocation-e2e-"));
  mkdirSync(join(work, "home"));
  wrapper = join(work, "cce-kubeconfig");
  writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  emulator = await startTestEmulator({ credentials: [USER, OTHER] });
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
}, 180_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("after cce-kubeconfig revoke --user-id, kube-apiserver refuses (401) the user's ClusterCertificate and cached exec certificates, another user's still works, and the exec kubeconfig's next call mints exactly one certificate that works", () =>
  steps.run("revocation end to end", async () => {
    const cache = join(work, "user-cache");
    const userEnv = envOf(USER, cache);
    const otherEnv = envOf(OTHER, join(work, "other-cache"));

    // 1. The user's ClusterCertificate, minted by the resource's operations.
    const operations = createOperations({ env: userEnv });
    const { inputs } = await operations.check({}, { clusterId: CLUSTER_ID, endpoint: emulator.url, duration: 1 });
    const { outs } = (await operations.create(inputs as CheckedInputs)) as { outs: CertificateOutputs };
    const stackFile = join(work, "stack.kubeconfig");
    writeFileSync(stackFile, outs.kubeconfig, { mode: 0o600 });

    // 2. The user's exec kubeconfig: its certificate lands in the command's cache.
    const execFileName = join(work, "exec.kubeconfig");
    const written = await runFile(process.execPath, [CLI, "kubeconfig", "--cluster-id", CLUSTER_ID, "--kubeconfig", execFileName, "--exec-command", wrapper], userEnv);
    expect([written.status, written.stderr]).toEqual([0, ""]);
    const entryFile = join(cache, readdirSync(cache).find((f) => f.endsWith(".json"))!);
    const cached = JSON.parse(readFileSync(entryFile, "utf8")) as { certificatePem: string; keyPem: string };
    const cachedFile = staticKubeconfig("cached", cached.certificatePem, cached.keyPem);

    // 3. Another user's certificate.
    const otherFile = join(work, "other.kubeconfig");
    const other = await runFile(process.execPath, [CLI, "kubeconfig", "--cluster-id", CLUSTER_ID, "--kubeconfig", otherFile, "--exec-command", wrapper], otherEnv);
    expect(other.status).toBe(0);

    // Control: before the revoke, all of them work.
    for (const [file, env] of [[stackFile, userEnv], [cachedFile, userEnv], [execFileName, userEnv], [otherFile, otherEnv]] as const) {
      expect(await kubectl(file, env)).toMatchObject({ status: 0, stdout: "namespace/default\n" });
    }
    const userId = new X509Certificate(cached.certificatePem).subject.split("CN=")[1]!;
    const stackCert = Buffer.from(/client-certificate-data: (\S+)/.exec(outs.kubeconfig)![1]!, "base64").toString();
    expect(new X509Certificate(stackCert).subject.split("CN=")[1]).toBe(userId);

    // The revoke, by the other user (an administrator), on this machine.
    const revoked = await runFile(process.execPath, [CLI, "revoke", "--cluster-id", CLUSTER_ID, "--user-id", userId], { ...otherEnv, CCE_KUBECONFIG_CACHE_DIR: cache });
    expect(revoked.status).toBe(0);
    expect(revoked.stdout).toContain(`revoked every certificate of IAM user ${userId} on cluster ${CLUSTER_ID}`);
    expect(existsSync(entryFile)).toBe(false);

    // kube-apiserver itself refuses both of the user's certificates once it has reloaded the bundle.
    const started = Date.now();
    for (const file of [stackFile, cachedFile]) {
      const refused = await eventually(file, userEnv, 1);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/Unauthorized|must be logged in/);
    }
    console.log(`revocation e2e: kube-apiserver refused the revoked certificates ${Date.now() - started} ms after the revoke`);
    // Another user's still works.
    expect(await kubectl(otherFile, otherEnv)).toMatchObject({ status: 0, stdout: "namespace/default\n" });

    // The exec kubeconfig's next call mints exactly one new certificate, which works at once.
    const mints = emulator.mintCount();
    expect(await kubectl(execFileName, userEnv)).toMatchObject({ status: 0, stdout: "namespace/default\n" });
    expect(emulator.mintCount()).toBe(mints + 1);
    expect(emulator.certificates(CLUSTER_ID).at(-1)).toMatchObject({ revoked: false, subject: `O=system:masters, CN=${userId}` });
    // And the revoked ones stay refused.
    expect((await kubectl(stackFile, userEnv)).status).toBe(1);
  }));

/** One engine operation on the recovery stack, with the user's keys in the environment. */
async function stackOp(name: StackSpec["op"], env: NodeJS.ProcessEnv, replace?: string[]): Promise<StackResult> {
  const spec: StackSpec = {
    programDir: programDir(),
    programFile: "certificate-recovery-program.js",
    project: "cce-revocation-recovery",
    stack: "recovery",
    backendUrl: `file://${join(work, "state")}`,
    op: name,
    config: { "e2e:endpoint": { value: emulator.url }, "e2e:clusterId": { value: CLUSTER_ID } },
    ...(replace === undefined ? {} : { replace }),
  };
  const result = await steps.run(`pulumi ${name}`, () => runStack(spec, env), "engine");
  if (!result.ok) throw new Error(`pulumi ${name} failed: ${result.message}\n${result.output ?? ""}`);
  return result;
}

test("a ClusterCertificate whose user was revoked: a plain up changes nothing and the kubeconfig stays dead; pulumi up --replace <urn> (README) mints one new certificate that works", () =>
  steps.run("ClusterCertificate recovery", async () => {
    mkdirSync(join(work, "state"), { recursive: true });
    copyFileSync(join(__dirname, "certificate-recovery-program.js"), join(programDir(), "certificate-recovery-program.js"));
    const env = { ...cloudFreeEnv(engineEnv(join(work, "pulumi-home"))), HW_ACCESS_KEY: USER.accessKey, HW_SECRET_KEY: USER.secretKey, HW_PROJECT_ID: DEFAULT_PROJECT_ID };
    const kubeconfigOf = (result: StackResult, name: string) => {
      const file = join(work, `${name}.kubeconfig`);
      writeFileSync(file, result.outputs?.["kubeconfig"]?.value as string, { mode: 0o600 });
      return file;
    };
    const userEnv = envOf(USER, join(work, "recovery-cache"));
    const created = await stackOp("up", env);
    const first = kubeconfigOf(created, "recovery-first");
    expect(await eventually(first, userEnv, 0)).toMatchObject({ status: 0, stdout: "namespace/default\n" });
    const userId = new X509Certificate(emulator.certificates(CLUSTER_ID).at(-1)!.certificatePem).subject.split("CN=")[1]!;

    const revoked = await runFile(process.execPath, [CLI, "revoke", "--cluster-id", CLUSTER_ID, "--user-id", userId], envOf(OTHER, join(work, "other-cache")));
    expect(revoked.status).toBe(0);
    expect((await eventually(first, userEnv, 1)).status).toBe(1);

    // Nothing in Pulumi can tell: a plain up keeps the dead certificate and mints nothing.
    const mints = emulator.mintCount();
    const plain = await stackOp("up", env);
    expect(plain.changes).toEqual({ same: 2 });
    expect(emulator.mintCount()).toBe(mints);

    const urn = created.outputs?.["urn"]?.value as string;
    const replaced = await stackOp("up", env, [urn]);
    expect(replaced.changes).toMatchObject({ replace: 1 });
    expect(emulator.mintCount()).toBe(mints + 1);
    expect(await kubectl(kubeconfigOf(replaced, "recovery-second"), userEnv)).toMatchObject({ status: 0, stdout: "namespace/default\n" });
  }));
