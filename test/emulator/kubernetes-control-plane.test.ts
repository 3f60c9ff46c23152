/**
 * A real control plane (etcd, kube-apiserver, kube-controller-manager; scripts/kubernetes/control-plane.js)
 * accepts kubectl with a client certificate of the CA it trusts, runs its controllers, and refuses
 * certificates of another CA or out of date. A missing binary fails the file: it never skips.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createClusterAuthority, issueClientCertificate, type ClientCertificate, type ClusterAuthority } from "../../src/emulator/ca";
import { startControlPlane, StepError, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { findLeaks, pemSecrets } from "../helpers/leak-scan";
import { requireTool } from "../helpers/tools";

jest.setTimeout(180_000);

const run = promisify(execFile);
const HOUR = 3600_000;
const USER = "some-user";

let kubectl: string;
let dir: string;
let authority: ClusterAuthority;
let controllerManager: ClientCertificate;
let plane: ControlPlane;
let startMs: number;

function kubeconfigFile(name: string, client: ClientCertificate): string {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const file = join(dir, `${name}.kubeconfig`);
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "control-plane", cluster: { server: plane.url, "certificate-authority-data": b64(authority.ca.certificatePem) } }],
    users: [{ name, user: { "client-certificate-data": b64(client.certificatePem), "client-key-data": b64(client.privateKeyPem) } }],
    contexts: [{ name: "control-plane", context: { cluster: "control-plane", user: name } }],
    "current-context": "control-plane",
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

function kubectlWith(kubeconfig: string, args: string[]) {
  return run(kubectl, ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), "--request-timeout", "30s", ...args]);
}

async function rssMiB(pid: number): Promise<number> {
  const { stdout } = await run("ps", ["-o", "rss=", "-p", String(pid)]);
  return Math.round(Number(stdout.trim()) / 1024);
}

beforeAll(async () => {
  kubectl = requireTool("kubectl");
  dir = mkdtempSync(join(tmpdir(), "cce-control-plane-test-"));
  authority = await createClusterAuthority("control-plane-test", new Date());
  controllerManager = await issueClientCertificate(authority, "control-plane-test:kube-controller-manager", new Date(Date.now() - HOUR), new Date(Date.now() + HOUR));
  const started = Date.now();
  plane = await startControlPlane({
    clientCaPem: authority.ca.certificatePem,
    servingCertificatePem: authority.server.certificatePem,
    servingKeyPem: authority.server.privateKeyPem,
    controllerManagerCertificatePem: controllerManager.certificatePem,
    controllerManagerKeyPem: controllerManager.privateKeyPem,
    servingCaPem: authority.ca.certificatePem,
    keepLogs: true,
  });
  startMs = Date.now() - started;
});

afterAll(async () => {
  const logDir = plane?.logDir;
  await plane?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

test("the control plane reports its readiness and memory", async () => {
  const rss = Object.fromEntries(await Promise.all(Object.entries(plane.pids).map(async ([name, pid]) => [name, await rssMiB(pid)] as const)));
  console.log(
    `control plane ready in ${startMs} ms (etcd ${plane.timings.etcd} ms, kube-apiserver ${plane.timings["kube-apiserver"]} ms, ` +
      `kube-controller-manager ${plane.timings["kube-controller-manager"]} ms); RSS MiB: ${JSON.stringify(rss)}`,
  );
  expect(plane.url).toBe(`https://127.0.0.1:${plane.port}`);
  expect(plane.timings.etcd).toBeLessThanOrEqual(plane.timings["kube-apiserver"]);
  expect(plane.timings["kube-apiserver"]).toBeLessThanOrEqual(plane.timings["kube-controller-manager"]);
});

describe("with a system:masters client certificate", () => {
  let kubeconfig: string;
  beforeAll(async () => {
    kubeconfig = kubeconfigFile(USER, await issueClientCertificate(authority, USER, new Date(Date.now() - HOUR), new Date(Date.now() + HOUR)));
  });

  test("the server reports the Kubernetes version it was built as", async () => {
    const { stdout } = await kubectlWith(kubeconfig, ["version", "-o", "json"]);
    expect(JSON.parse(stdout).serverVersion).toMatchObject({ major: "1", minor: "37", gitVersion: expect.stringMatching(/^v1\.37\.\d+$/) });
  });

  test("kubectl auth whoami names the user and its groups", async () => {
    const { stdout } = await kubectlWith(kubeconfig, ["auth", "whoami", "-o", "json"]);
    const userInfo = JSON.parse(stdout).status.userInfo;
    expect(userInfo.username).toBe(USER);
    expect(userInfo.groups).toEqual(expect.arrayContaining(["system:masters", "system:authenticated"]));
  });

  test("a ConfigMap is created and read back, and its Namespace is deleted in the foreground", async () => {
    const ns = "cce-control-plane-test";
    await kubectlWith(kubeconfig, ["create", "namespace", ns]);
    await kubectlWith(kubeconfig, ["-n", ns, "create", "configmap", "settings", "--from-literal=greeting=hello"]);
    const { stdout } = await kubectlWith(kubeconfig, ["-n", ns, "get", "configmap", "settings", "-o", "json"]);
    expect(JSON.parse(stdout).data).toEqual({ greeting: "hello" });

    // The namespace controller empties the namespace; the garbage collector ends the foreground deletion.
    const started = Date.now();
    await kubectlWith(kubeconfig, ["delete", "namespace", ns, "--cascade=foreground", "--wait=true", "--timeout=90s"]);
    console.log(`foreground deletion of a namespace with a ConfigMap took ${Date.now() - started} ms`);
    await expect(kubectlWith(kubeconfig, ["get", "namespace", ns])).rejects.toMatchObject({ stderr: expect.stringContaining("NotFound") });
  });
});

test("a client certificate from another CA is refused", async () => {
  const other = await createClusterAuthority("another-cluster", new Date());
  const stranger = await issueClientCertificate(other, USER, new Date(Date.now() - HOUR), new Date(Date.now() + HOUR));
  await expect(kubectlWith(kubeconfigFile("stranger", stranger), ["auth", "whoami"])).rejects.toMatchObject({
    stderr: expect.stringContaining("Unauthorized"),
  });
});

test("an expired client certificate is refused", async () => {
  const expired = await issueClientCertificate(authority, USER, new Date(Date.now() - 3 * HOUR), new Date(Date.now() - HOUR));
  await expect(kubectlWith(kubeconfigFile("expired", expired), ["auth", "whoami"])).rejects.toMatchObject({
    stderr: expect.stringContaining("Unauthorized"),
  });
});

test("no component logs a private key or any PEM block", () => {
  const files = readdirSync(plane.logDir).sort();
  expect(files).toEqual(["audit.log", "etcd.log", "kube-apiserver.log", "kube-controller-manager.log"]);
  const texts = files.map((f) => readFileSync(join(plane.logDir, f), "utf8"));
  const secrets = [authority.server.privateKeyPem, controllerManager.privateKeyPem].flatMap(pemSecrets);
  expect(findLeaks(texts, secrets, files).map((l) => l.where)).toEqual([]);
});

// Last: it ends a component.
test("a step that fails after a component died names that component and its log", async () => {
  const steps = new Steps(() => plane);
  const kubeconfig = kubeconfigFile("late", await issueClientCertificate(authority, USER, new Date(Date.now() - HOUR), new Date(Date.now() + HOUR)));
  // Control: while all three run, a failing check is the test's own.
  await expect(steps.run("a failing check", () => Promise.reject(new Error("boom")))).rejects.toMatchObject({ component: "test" });
  expect(plane.status().map((s) => [s.component, s.running])).toEqual([
    ["etcd", true],
    ["kube-apiserver", true],
    ["kube-controller-manager", true],
  ]);

  process.kill(plane.pids["kube-apiserver"], "SIGKILL");
  await new Promise((resolve) => setTimeout(resolve, 500));
  const failure = await steps.run("kubectl get namespaces", () => kubectlWith(kubeconfig, ["get", "namespaces"])).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(StepError);
  expect(failure).toMatchObject({ component: "kube-apiserver", log: join(plane.logDir, "kube-apiserver.log") });
  expect((failure as Error).message).toContain(`kubectl get namespaces: kube-apiserver failed: it exited (SIGKILL) (log: ${join(plane.logDir, "kube-apiserver.log")})`);
  expect(steps.failed()).toBe(true);
});
