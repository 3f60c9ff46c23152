// @ts-check
/**
 * A real Kubernetes control plane: etcd, kube-apiserver and kube-controller-manager, built from Go
 * modules by scripts/install-kubernetes-server.sh (.tools/kubernetes-server-bin), all on loopback,
 * with data in a temporary folder. Shared by the tests (test/helpers/kubernetes-control-plane.ts)
 * and `npm run demo -- --kubernetes`, hence plain JavaScript here.
 *
 * The caller brings the certificates: the API server trusts `clientCaPem` for client certificates
 * and serves `servingCertificatePem`, so a kubeconfig minted by the caller's CA works against it as
 * against a real cluster. `startClusterControlPlane` takes them from an emulator cluster's handover.
 *
 * No key is ever written to a log or put in an error: key files are 0600 in a 0700 folder, log
 * tails in errors have PEM blocks removed. A missing binary throws (tests never skip).
 */
const { spawn } = require("node:child_process");
const { generateKeyPairSync } = require("node:crypto");
const { accessSync, appendFileSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } = require("node:fs");
const { get: getHttp } = require("node:http");
const { request: httpsRequest } = require("node:https");
const { createServer } = require("node:net");
const { tmpdir } = require("node:os");
const path = require("node:path");

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const KUBERNETES_SERVER_BIN = path.join(REPO_ROOT, ".tools", "kubernetes-server-bin");
const INSTALL_SCRIPT = "scripts/install-kubernetes-server.sh";

const STOP_GRACE_MS = 5_000;
const POLL_MS = 200;
const LOG_TAIL_LINES = 40;
/** Each component's readiness wait unless `readyTimeoutMs` says otherwise: 60 s. */
const DEFAULT_READY_TIMEOUT_MS = 60_000;

/**
 * The API server's audit policy: who did what to ConfigMaps and Namespaces (Metadata level: user,
 * verb, object, status; never a body), so tests can tell which certificate wrote an object and
 * that a refresh only reads. Everything else is not logged.
 */
const AUDIT_POLICY = JSON.stringify({
  apiVersion: "audit.k8s.io/v1",
  kind: "Policy",
  omitStages: ["RequestReceived", "ResponseStarted"],
  rules: [
    { level: "Metadata", resources: [{ group: "", resources: ["configmaps", "namespaces"] }] },
    { level: "None" },
  ],
});

/** @typedef {import("./control-plane").ComponentName} ComponentName */
/** @typedef {import("./control-plane").ControlPlaneOptions} ControlPlaneOptions */
/** @typedef {import("./control-plane").ControlPlane} ControlPlane */
/** @typedef {import("./control-plane").ComponentStatus} ComponentStatus */

/** Every component still running in this process, killed on exit if stop() was not called. */
/** @type {Set<import("node:child_process").ChildProcess>} */
const running = new Set();
process.on("exit", () => {
  for (const child of running) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** A component that failed to start or to become ready; the message names its log and shows its tail. */
class ControlPlaneError extends Error {
  /**
   * @param {ComponentName | "build"} component
   * @param {string} logFile the component's log, or for "build" how to see the build's output
   * @param {string} problem
   */
  constructor(component, logFile, problem) {
    const tail = component === "build" ? "" : `\n--- last lines of the log, PEM data removed ---\n${logTail(logFile)}`;
    super(`${component} ${problem} (log: ${logFile})${tail}`);
    this.name = "ControlPlaneError";
    this.code = "CCE_CONTROL_PLANE";
    this.component = component;
    this.logFile = logFile;
  }
}

/** `-----BEGIN ` as a PEM header, and in base64 at the three alignments (a `*-data` value in a kubeconfig). */
const PEM_MARKERS = [/-----BEGIN [A-Z0-9 ]+-----/, /LS0tLS1CRUdJTi/, /0tLS0tQkVHSU4g/, /tLS0tLUJFR0lOI/];

/**
 * The last lines of a log, with PEM blocks and any line holding PEM data (raw or base64) removed.
 * @param {string} file
 */
function logTail(file, lines = LOG_TAIL_LINES) {
  /** @type {string} */
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "(no log)";
  }
  text = text.replace(/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, "[PEM block removed]");
  return text
    .split("\n")
    .slice(-lines)
    .map((line) => (PEM_MARKERS.some((marker) => marker.test(line)) ? "[line with PEM data removed]" : line))
    .join("\n");
}

/**
 * A port that was free a moment ago on 127.0.0.1 (the kernel's pick for port 0).
 * @returns {Promise<number>}
 */
function freePort() {
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

/**
 * The path of a built binary; a missing one is a build failure that says how to build it.
 * @param {string} name
 */
function requireBinary(name) {
  const file = path.join(KUBERNETES_SERVER_BIN, name);
  try {
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    throw new ControlPlaneError(
      "build",
      `the output of bash ${INSTALL_SCRIPT}`,
      `did not provide ${name}: ${file} is missing; run npm run install-tools (its progress and errors go to stderr)`,
    );
  }
}

/**
 * @typedef {object} Component
 * @property {ComponentName} name
 * @property {import("node:child_process").ChildProcess} child
 * @property {string} logFile
 * @property {Promise<void>} exited
 * @property {() => number | null | string} exitCode
 */

/**
 * Starts a component in `cwd` (the data dir), its output going to `<logDir>/<name>.log`, its pid to `<cwd>/pids`.
 * @param {ComponentName} name @param {string} bin @param {string[]} args @param {string} logDir @param {string} cwd
 * @returns {Component}
 */
function launch(name, bin, args, logDir, cwd) {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, "a", 0o600);
  /** @type {import("node:child_process").ChildProcess} */
  let child;
  try {
    child = spawn(bin, args, { cwd, stdio: ["ignore", fd, fd], env: { ...process.env, GOTRACEBACK: "single" } });
  } finally {
    closeSync(fd);
  }
  /** @type {number | null | string} */
  let status = null;
  const exited = new Promise((resolve) => {
    if (child.pid === undefined) {
      status = "failed to start";
      child.once("error", () => resolve(undefined));
      return;
    }
    child.once("exit", (code, signal) => {
      status = signal ?? code;
      running.delete(child);
      resolve(undefined);
    });
  });
  child.once("error", (e) => {
    status = `failed to start: ${e.message}`;
  });
  if (child.pid !== undefined) {
    running.add(child);
    appendFileSync(path.join(cwd, "pids"), `${child.pid}\n`);
  }
  return { name, child, logFile, exited: exited.then(() => undefined), exitCode: () => status };
}

/**
 * A tiny shell that ends the components if this Node process dies without running its exit hooks
 * (a jest worker killed by SIGKILL), so none outlives the worker, and removes their data (keys
 * included). It reads their pids from `<dataDir>/pids`, and exits by itself once stop() has
 * removed dataDir.
 * @param {string} dataDir @param {string | undefined} logDir
 */
function watchdog(dataDir, logDir) {
  const script =
    'while kill -0 "$0" 2>/dev/null; do [ -d "$1" ] || exit 0; sleep 1; done; ' +
    '[ -f "$1/pids" ] || exit 0; pids=$(cat "$1/pids"); ' +
    "kill -TERM $pids 2>/dev/null; sleep 3; kill -KILL $pids 2>/dev/null; " +
    'rm -rf "$1"; [ -z "$2" ] || rm -rf "$2"; exit 0';
  const dog = spawn("/bin/sh", ["-c", script, String(process.pid), dataDir, logDir ?? ""], { stdio: "ignore", detached: true });
  dog.on("error", () => undefined);
  dog.unref();
}

/** @param {Component} component */
async function stopComponent(component) {
  const { child, exited } = component;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
  child.kill("SIGTERM");
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const forced = new Promise((resolve) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(undefined);
    }, STOP_GRACE_MS);
  });
  await Promise.race([exited, forced]);
  clearTimeout(timer);
  await exited;
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true; fails early when the component exits, and after `timeoutMs`
 * with the component's log tail.
 * @param {Component} component @param {string} what @param {number} timeoutMs @param {() => Promise<boolean>} check
 */
async function waitFor(component, what, timeoutMs, check) {
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

/** @typedef {{ status: number, body: string }} Response */
/** @typedef {(method: string, path: string, body?: unknown) => Promise<Response>} Requester */

/**
 * Requests to the API server with the controller manager's client certificate.
 * @param {number} port @param {ControlPlaneOptions} options @returns {Requester}
 */
function apiClient(port, options) {
  return (method, urlPath, body) =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = httpsRequest(
        {
          host: "127.0.0.1",
          port,
          method,
          path: urlPath,
          ca: options.servingCaPem,
          cert: options.controllerManagerCertificatePem,
          key: options.controllerManagerKeyPem,
          headers: payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) },
          timeout: 5_000,
          agent: false,
        },
        (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
}

/** @param {string} url @returns {Promise<Response>} */
function httpGet(url) {
  return new Promise((resolve, reject) => {
    const req = getHttp(url, { timeout: 2_000, agent: false }, (res) => {
      /** @type {Buffer[]} */
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
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
 * @param {Requester} api @param {string} name
 */
async function foregroundDeleteCompletes(api, name) {
  const urlPath = `/api/v1/namespaces/default/configmaps/${name}`;
  const existing = await api("GET", urlPath);
  if (existing.status === 404) {
    const created = await api("POST", "/api/v1/namespaces/default/configmaps", { apiVersion: "v1", kind: "ConfigMap", metadata: { name } });
    // The default namespace appears shortly after /readyz; until then the create is refused.
    if (created.status !== 201) throw new Error(`creating ConfigMap default/${name}: HTTP ${created.status}`);
  } else if (existing.status !== 200) {
    throw new Error(`reading ConfigMap default/${name}: HTTP ${existing.status}`);
  }
  const deleted = await api("DELETE", urlPath, { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Foreground" });
  if (deleted.status !== 200 && deleted.status !== 202 && deleted.status !== 404) {
    throw new Error(`deleting ConfigMap default/${name}: HTTP ${deleted.status}`);
  }
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    if ((await api("GET", urlPath)).status === 404) return true;
    await sleep(POLL_MS);
  }
  return false;
}

/** @param {unknown} error */
function isPortClash(error) {
  return (
    error instanceof ControlPlaneError && error.component !== "build" && /address already in use/.test(readFileSync(error.logFile, "utf8"))
  );
}

/**
 * Starts etcd, then kube-apiserver (ready when /readyz answers 200 to the controller manager's
 * certificate), then kube-controller-manager (ready when a foreground deletion completes). Ports
 * are picked free on 127.0.0.1; a start that loses a port race is retried.
 * @param {ControlPlaneOptions} options
 * @returns {Promise<ControlPlane>}
 */
async function startControlPlane(options) {
  const bins = {
    etcd: requireBinary("etcd"),
    apiserver: requireBinary("kube-apiserver"),
    controllerManager: requireBinary("kube-controller-manager"),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, bins);
    } catch (e) {
      if (attempt >= 3 || !isPortClash(e)) throw e;
      rmSync(path.dirname(/** @type {ControlPlaneError} */ (e).logFile), { recursive: true, force: true });
    }
  }
}

/**
 * @param {ControlPlaneOptions} options
 * @param {{ etcd: string, apiserver: string, controllerManager: string }} bins
 * @returns {Promise<ControlPlane>}
 */
async function startOnce(options, bins) {
  const started = Date.now();
  const timeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const dataDir = mkdtempSync(path.join(tmpdir(), "cce-control-plane-"));
  const logDir = mkdtempSync(path.join(tmpdir(), "cce-control-plane-logs-"));
  const pki = path.join(dataDir, "pki");
  mkdirSync(pki, { mode: 0o700 });
  const file = (/** @type {string} */ name, /** @type {string} */ text) => {
    const target = path.join(pki, name);
    writeFileSync(target, text, { mode: 0o600 });
    return target;
  };
  watchdog(dataDir, options.keepLogs ? undefined : logDir);
  const serviceAccount = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  writeFileSync(path.join(dataDir, "audit-policy.json"), AUDIT_POLICY);

  /** @type {Component[]} */
  const components = [];
  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = (/** @type {boolean} */ keepLogs) =>
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
        `--data-dir=${path.join(dataDir, "etcd")}`,
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
        `--cert-dir=${path.join(dataDir, "apiserver-certs")}`,
        "--authorization-mode=Node,RBAC",
        "--anonymous-auth=false",
        `--service-account-key-file=${file("service-account.pub", serviceAccount.publicKey.export({ type: "spki", format: "pem" }).toString())}`,
        `--service-account-signing-key-file=${file("service-account.key", serviceAccount.privateKey.export({ type: "pkcs8", format: "pem" }).toString())}`,
        "--service-account-issuer=https://kubernetes.default.svc",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--profiling=false",
        `--audit-policy-file=${path.join(dataDir, "audit-policy.json")}`,
        `--audit-log-path=${path.join(logDir, "audit.log")}`,
        "--audit-log-format=json",
        // Each event is written before the response: a test reads it right after its request.
        "--audit-log-mode=blocking",
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
      clientCaFile: path.join(pki, "client-ca.crt"),
      logDir,
      auditLog: path.join(logDir, "audit.log"),
      pids: { etcd: etcd.child.pid ?? 0, "kube-apiserver": apiserver.child.pid ?? 0, "kube-controller-manager": controllerManager.child.pid ?? 0 },
      timings: { etcd: etcdReady, "kube-apiserver": apiserverReady, "kube-controller-manager": controllerManagerReady },
      status: () =>
        components.map((c) => ({ component: c.name, running: c.exitCode() === null, exit: c.exitCode() ?? undefined, logFile: c.logFile })),
      stop: (stopOptions = {}) => stop(stopOptions.keepLogs ?? options.keepLogs ?? false),
    };
  } catch (e) {
    // The error names a log: keep the logs.
    await stop(true);
    throw e;
  }
}

/**
 * Starts a control plane for one cluster of a CCE emulator and hands the cluster over to it: from
 * then on the emulator's clustercert answers (and show-cluster's endpoints) point at this API
 * server, which trusts the certificates the emulator mints for the cluster.
 * @param {Pick<import("../../src/emulator").Emulator, "handOverCluster">} emulator
 * @param {string} clusterId
 * @param {Pick<ControlPlaneOptions, "keepLogs" | "readyTimeoutMs">} [options]
 * @returns {Promise<ControlPlane>}
 */
async function startClusterControlPlane(emulator, clusterId, options = {}) {
  const handover = await emulator.handOverCluster(clusterId);
  const plane = await startControlPlane({
    ...options,
    clientCaPem: handover.clientCaBundlePem(),
    servingCaPem: handover.caPem,
    servingCertificatePem: handover.servingCertificatePem,
    servingKeyPem: handover.servingKeyPem,
    controllerManagerCertificatePem: handover.controllerManagerCertificatePem,
    controllerManagerKeyPem: handover.controllerManagerKeyPem,
  });
  // A revoke drops an issuer from the bundle; kube-apiserver reloads --client-ca-file when it
  // changes. Rewritten in place, not renamed over: kube-apiserver's watch of the file ends on a
  // rename and is restarted only a minute later, while in-place writes are each seen at once.
  const rewrite = () => {
    try {
      writeFileSync(plane.clientCaFile, handover.clientCaBundlePem());
    } catch {
      // The plane was stopped (its data removed) by another way than its stop(): nothing to trust.
    }
  };
  const unsubscribe = handover.onClientCaChange(rewrite);
  rewrite();
  const stop = plane.stop;
  plane.stop = (stopOptions) => {
    unsubscribe();
    return stop(stopOptions);
  };
  try {
    await handover.attach(plane.url);
  } catch (e) {
    await plane.stop();
    throw e;
  }
  return plane;
}

module.exports = { KUBERNETES_SERVER_BIN, ControlPlaneError, logTail, freePort, startControlPlane, startClusterControlPlane };
