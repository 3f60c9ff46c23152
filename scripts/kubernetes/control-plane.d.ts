/** Types of control-plane.js, for the TypeScript tests that use it. */
import type { Emulator } from "../../src/emulator";

export interface ControlPlaneOptions {
  /** PEM of the CAs that sign client certificates (kube-apiserver --client-ca-file; ControlPlane.clientCaFile). */
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
  /** Keep logDir after stop() (it is always kept when starting fails, since the error names it). @default false */
  keepLogs?: boolean;
  /** How long each component may take to become ready. @default 60_000 (60 s) */
  readyTimeoutMs?: number;
}

export type ComponentName = "etcd" | "kube-apiserver" | "kube-controller-manager";

export interface ComponentStatus {
  component: ComponentName;
  running: boolean;
  /** The exit code or signal, once it has exited. */
  exit?: number | string;
  logFile: string;
}

export interface ControlPlane {
  /** `https://127.0.0.1:PORT` */
  url: string;
  port: number;
  /**
   * The API server's --client-ca-file. startClusterControlPlane rewrites it whenever the emulator's
   * client CA bundle changes (a revoke), and kube-apiserver reloads it within seconds.
   */
  clientCaFile: string;
  /** One log file per component: `<name>.log` (stdout and stderr), and the API server's audit.log. */
  logDir: string;
  /**
   * The API server's audit log, JSON lines: every request on ConfigMaps and Namespaces at Metadata
   * level (user, verb, objectRef, responseStatus, requestURI; never a body).
   */
  auditLog: string;
  /** Process ids, for measurements (ps). */
  pids: Record<ComponentName, number>;
  /** Milliseconds from startControlPlane() until each component was ready. */
  timings: Record<ComponentName, number>;
  /** Whether each component still runs, and its log: what a failing step reports. */
  status(): ComponentStatus[];
  /**
   * Stops all three (SIGTERM, then SIGKILL after a few seconds), removes the data, and the logs
   * unless `keepLogs` (default: the start option); idempotent (the first call decides).
   */
  stop(options?: { keepLogs?: boolean }): Promise<void>;
}

/** The folder of the built binaries: .tools/kubernetes-server-bin. */
export declare const KUBERNETES_SERVER_BIN: string;

/** A component (or its build) failed; `message` names the log and shows its tail with PEM data removed. */
export declare class ControlPlaneError extends Error {
  readonly code: "CCE_CONTROL_PLANE";
  readonly component: ComponentName | "build";
  readonly logFile: string;
  constructor(component: ComponentName | "build", logFile: string, problem: string);
}

/** The last lines of a log, with PEM blocks and lines holding PEM data (raw or base64) removed. */
export declare function logTail(file: string, lines?: number): string;
/** A port that was free a moment ago on 127.0.0.1. */
export declare function freePort(): Promise<number>;
/** Starts etcd, kube-apiserver and kube-controller-manager on loopback, each waited for until ready. */
export declare function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane>;
/** Starts a control plane for one emulator cluster and hands the cluster over to it (Emulator.handOverCluster). */
export declare function startClusterControlPlane(
  emulator: Pick<Emulator, "handOverCluster">,
  clusterId: string,
  options?: Pick<ControlPlaneOptions, "keepLogs" | "readyTimeoutMs">,
): Promise<ControlPlane>;
