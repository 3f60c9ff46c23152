/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver and kube-controller-manager,
 * built from Go modules by scripts/install-kubernetes-server.sh (.tools/kubernetes-server-bin),
 * all on loopback, with data in a temporary folder. The caller brings the certificates: the API
 * server trusts `clientCaPem` for client certificates and serves `servingCertificatePem`, so a
 * kubeconfig minted by the caller's CA works against it as against a real cluster.
 *
 * No key is ever written to a log or put in an error: key files are 0600 in a 0700 folder, log
 * tails in errors have PEM blocks removed. A missing binary throws (tests never skip).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { appendFileSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as getHttp } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../../scripts/engine/program";
import { findLeaks } from "./leak-scan";
import { requireTool } from "./tools";

export interface ControlPlaneOptions {
  /** PEM of the CA that signs client certificates (kube-apiserver --client-ca-file). */
  clientCaPem: string;
  /** The API server's serving certificate (PEM), SANs 127.0.0.1 and localhost, issued by a CA the caller's kubeconfig trusts. */
  servingCertificatePem: string;
  /** The serving certificate's private key (PEM). */
  servingKeyPem: string;
  /** A client certificate (PEM) with O=system:masters signed by clientCaPem: kube-controller-manager's, and the readiness probes'. */
  controllerManagerCertificatePem: string;
  /** Its private key (PEM). */
  controllerManagerKeyPem: string;
  /** CA bundle that verifies the serving certificate (for the controller manager's kubeconfig and the probes). */
  servingCaPem: string;
  /** Keep logDir after stop() (it is always kept when starting fails, since the error names it). */
  keepLogs?: boolean;
  /** How long each component may take to become ready (default 60 s). */
  readyTimeoutMs?: number;
}

export type ComponentName = "etcd" | "kube-apiserver" | "kube-controller-manager";

export interface ControlPlane {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** One log file per component: `<name>.log` (stdout and stderr). */
  logDir: string;
  /** Process ids, for measurements (ps). */
  pids: Record<ComponentName, number>;
  /** Milliseconds from startControlPlane() until each component was ready. */
  timings: Record<ComponentName, number>;
  /** Stops all three (SIGTERM, then SIGKILL after a few seconds), removes the data; idempotent. */
  stop(): Promise<void>;
}

export const KUBERNETES_SERVER_BIN = join(REPO_ROOT, ".tools", "kubernetes-server-bin");

const STOP_GRACE_MS = 5_000;
const POLL_MS = 200;
const LOG_TAIL_LINES = 40;

/** Every component still running in this process, killed on exit if stop() was not called. */
const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

export class ControlPlaneError extends Error {
  constructor(
    readonly component: ComponentName,
    readonly logFile: string,
    problem: string,
  ) {
    super(`${component} ${problem} (log: ${logFile})\n--- last lines of the log, PEM data removed ---\n${logTail(logFile)}`);
    this.name = "ControlPlaneError";
  }
}

/** The last lines of a log, with PEM blocks and any line holding PEM data (raw or base64) removed. */
export function logTail(file: string, lines = LOG_TAIL_LINES): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "(no log)";
  }
  text = text.replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, "[PEM block removed]");
  return text
    .split("\n")
    .slice(-lines)
    .map((line) => (findLeaks([line], []).length > 0 ? "[line with PEM data removed]" : line))
    .join("\n");
}

/** A port that was free a moment ago on 127.0.0.1 (the kernel's pick for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

interface Component {
  name: ComponentName;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  exitCode(): number | null | string;
}

/** Starts a component in `cwd` (the data dir), its output going to `<logDir>/<name>.log`, its pid to `<cwd>/pids`. */
function launch(name: ComponentName, bin: string, args: string[], logDir: string, cwd: string): Component {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, "a", 0o600);
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { cwd, stdio: ["ignore", fd, fd], env: { ...process.env, GOTRACEBACK: "single" } });
  } finally {
    closeSync(fd);
  }
  let status: number | null | string = null;
  const exited = new Promise<void>((resolve) => {
    if (child.pid === undefined) {
      status = "failed to start";
      child.once("error", () => resolve());
      return;
    }
    child.once("exit", (code, signal) => {
      status = signal ?? code;
      running.delete(child);
      resolve();
    });
  });
  child.once("error", (e) => {
    status = `failed to start: ${e.message}`;
  });
  if (child.pid !== undefined) {
    running.add(child);
    appendFileSync(join(cwd, "pids"), `${child.pid}\n`);
  }
  return { name, child, logFile, exited, exitCode: () => status };
}

/**
 * A tiny shell that ends the components if this Node process dies without running its exit hooks
 * (a jest worker killed by SIGKILL), so none outlives the worker, and removes their data (keys
 * included). It reads their pids from `<dataDir>/pids`, and exits by itself once stop() has
 * removed dataDir.
 */
function watchdog(dataDir: string, logDir: string | undefined): void {
  const script =
    'while kill -0 "$0" 2>/dev/null; do [ -d "$1" ] || exit 0; sleep 1; done; ' +
    '[ -f "$1/pids" ] || exit 0; pids=$(cat "$1/pids"); ' +
    "kill -TERM $pids 2>/dev/null; sleep 3; kill -KILL $pids 2>/dev/null; " +
    'rm -rf "$1"; [ -z "$2" ] || rm -rf "$2"; exit 0';
  const dog = spawn("/bin/sh", ["-c", script, String(process.pid), dataDir, logDir ?? ""], { stdio: "ignore", detached: true });
  dog.on("error", () => undefined);
  dog.unref();
}

async function stopComponent(component: Component): Promise<void> {
  const { child, exited } = component;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const forced = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, STOP_GRACE_MS);
  });
  await Promise.race([exited, forced]);
  clearTimeout(timer);
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true; fails early when the component exits, and after `timeoutMs`
 * with the component's log tail.
 */
async function waitFor(component: Component, what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    if (component.exitCode() !== null) {
      throw new ControlPlaneError(component.name, component.logFile, `exited (${component.exitCode()}) before it was ${what}`);
    }
    try {
      if (await check()) return;
      last = "";
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() > deadline) {
      const why = last ? `; last probe error: ${last}` : "";
      throw new ControlPlaneError(component.name, component.logFile, `was not ${what} after ${timeoutMs / 1000} s${why}`);
    }
    await sleep(POLL_MS);
  }
}

interface Response {
  status: number;
  body: string;
}

type Requester = (method: string, path: string, body?: unknown) => Promise<Response>;

/** Requests to the API server with the controller manager's client certificate. */
function apiClient(port: number, options: ControlPlaneOptions): Requester {
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port,
          method,
          path,
          ca: options.servingCaPem,
          cert: options.controllerManagerCertificatePem,
          key: options.controllerManagerKeyPem,
          headers: payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) },
          timeout: 5_000,
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
}

function httpGet(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = getHttp(url, { timeout: 2_000, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
  });
}

/**
 * Proves the controller manager works: a ConfigMap deleted with propagationPolicy=Foreground keeps
 * its foregroundDeletion finalizer until the garbage collector removes it.
 */
async function foregroundDeleteCompletes(api: Requester, name: string): Promise<boolean> {
  const path = `/api/v1/namespaces/default/configmaps/${name}`;
  const existing = await api("GET", path);
  if (existing.status === 404) {
    const created = await api("POST", "/api/v1/namespaces/default/configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name },
    });
    // The default namespace appears shortly after /readyz; until then the create is refused.
    if (created.status !== 201) throw new Error(`creating ConfigMap default/${name}: HTTP ${created.status}`);
  } else if (existing.status !== 200) {
    throw new Error(`reading ConfigMap default/${name}: HTTP ${existing.status}`);
  }
  const deleted = await api("DELETE", path, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" });
  if (deleted.status !== 200 && deleted.status !== 202 && deleted.status !== 404) {
    throw new Error(`deleting ConfigMap default/${name}: HTTP ${deleted.status}`);
  }
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    if ((await api("GET", path)).status === 404) return true;
    await sleep(POLL_MS);
  }
  return false;
}

function isPortClash(error: unknown): boolean {
  return error instanceof ControlPlaneError && /address already in use/.test(readFileSync(error.logFile, "utf8"));
}

/**
 * Starts etcd, then kube-apiserver (ready when /readyz answers 200 to the controller manager's
 * certificate), then kube-controller-manager (ready when a foreground deletion completes). Ports
 * are picked free on 127.0.0.1; a start that loses a port race is retried.
 */
export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const bins = {
    etcd: requireTool("etcd", [KUBERNETES_SERVER_BIN]),
    apiserver: requireTool("kube-apiserver", [KUBERNETES_SERVER_BIN]),
    controllerManager: requireTool("kube-controller-manager", [KUBERNETES_SERVER_BIN]),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, bins);
    } catch (e) {
      if (attempt >= 3 || !isPortClash(e)) throw e;
      rmSync(dirname((e as ControlPlaneError).logFile), { recursive: true, force: true });
    }
  }
}

async function startOnce(
  options: ControlPlaneOptions,
  bins: { etcd: string; apiserver: string; controllerManager: string },
): Promise<ControlPlane> {
  const started = Date.now();
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const dataDir = mkdtempSync(join(tmpdir(), "cce-control-plane-"));
  const logDir = mkdtempSync(join(tmpdir(), "cce-control-plane-logs-"));
  const pki = join(dataDir, "pki");
  mkdirSync(pki, { mode: 0o700 });
  const file = (name: string, text: string) => {
    const path = join(pki, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  watchdog(dataDir, options.keepLogs ? undefined : logDir);
  const serviceAccount = generateKeyPairSync("ec", { namedCurve: "prime256v1" });

  const components: Component[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (keepLogs: boolean) =>
    (stopping ??= (async () => {
      for (const component of [...components].reverse()) await stopComponent(component);
      rmSync(dataDir, { recursive: true, force: true });
      if (!keepLogs) rmSync(logDir, { recursive: true, force: true });
    })());

  try {
    const [etcdClientPort, etcdPeerPort, port] = await Promise.all([freePort(), freePort(), freePort()]);
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;

    const etcd = launch(
      "etcd",
      bins.etcd,
      [
        "--name=control-plane",
        `--data-dir=${join(dataDir, "etcd")}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=control-plane=${peerUrl}`,
        "--initial-cluster-state=new",
        // A throwaway store: no fsync, and no background work the tests do not need.
        "--unsafe-no-fsync=true",
        "--log-level=warn",
      ],
      logDir,
      dataDir,
    );
    components.push(etcd);
    await waitFor(etcd, "healthy", timeoutMs, async () => {
      const res = await httpGet(`${etcdUrl}/health`);
      return res.status === 200 && /"health":\s*"true"/.test(res.body);
    });
    const etcdReady = Date.now() - started;

    const apiserver = launch(
      "kube-apiserver",
      bins.apiserver,
      [
        `--etcd-servers=${etcdUrl}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        `--secure-port=${port}`,
        // The only lease-free reconciler that accepts a loopback advertise address.
        "--endpoint-reconciler-type=none",
        `--client-ca-file=${file("client-ca.crt", options.clientCaPem)}`,
        `--tls-cert-file=${file("serving.crt", options.servingCertificatePem)}`,
        `--tls-private-key-file=${file("serving.key", options.servingKeyPem)}`,
        `--cert-dir=${join(dataDir, "apiserver-certs")}`,
        "--authorization-mode=Node,RBAC",
        "--anonymous-auth=false",
        `--service-account-key-file=${file("service-account.pub", serviceAccount.publicKey.export({ type: "spki", format: "pem" }).toString())}`,
        `--service-account-signing-key-file=${file("service-account.key", serviceAccount.privateKey.export({ type: "pkcs8", format: "pem" }).toString())}`,
        "--service-account-issuer=https://kubernetes.default.svc",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--profiling=false",
      ],
      logDir,
      dataDir,
    );
    components.push(apiserver);
    const api = apiClient(port, options);
    await waitFor(apiserver, "ready (/readyz)", timeoutMs, async () => (await api("GET", "/readyz")).status === 200);
    const apiserverReady = Date.now() - started;

    const kubeconfig = file(
      "controller-manager.kubeconfig",
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "local", cluster: { server: `https://127.0.0.1:${port}`, "certificate-authority": file("serving-ca.crt", options.servingCaPem) } }],
        users: [
          {
            name: "controller-manager",
            user: {
              "client-certificate": file("controller-manager.crt", options.controllerManagerCertificatePem),
              "client-key": file("controller-manager.key", options.controllerManagerKeyPem),
            },
          },
        ],
        contexts: [{ name: "local", context: { cluster: "local", user: "controller-manager" } }],
        "current-context": "local",
      }),
    );
    const controllerManager = launch(
      "kube-controller-manager",
      bins.controllerManager,
      [
        `--kubeconfig=${kubeconfig}`,
        "--leader-elect=false",
        "--controllers=garbage-collector-controller,namespace-controller",
        "--use-service-account-credentials=false",
        // No HTTPS endpoint of its own: nothing probes it, and it needs no port.
        "--secure-port=0",
        "--profiling=false",
      ],
      logDir,
      dataDir,
    );
    components.push(controllerManager);
    await waitFor(controllerManager, "running (a foreground deletion did not complete)", timeoutMs, () =>
      foregroundDeleteCompletes(api, "control-plane-probe"),
    );
    const controllerManagerReady = Date.now() - started;

    return {
      url: `https://127.0.0.1:${port}`,
      port,
      logDir,
      pids: { etcd: etcd.child.pid!, "kube-apiserver": apiserver.child.pid!, "kube-controller-manager": controllerManager.child.pid! },
      timings: { etcd: etcdReady, "kube-apiserver": apiserverReady, "kube-controller-manager": controllerManagerReady },
      stop: () => stop(options.keepLogs ?? false),
    };
  } catch (e) {
    // The error names a log: keep the logs.
    await stop(true);
    throw e;
  }
}
