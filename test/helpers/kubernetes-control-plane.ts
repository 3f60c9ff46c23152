/**
 * The real Kubernetes control plane for tests. The starter lives in scripts/kubernetes/control-plane.js
 * because `npm run demo -- --kubernetes` (plain JavaScript, no ts-jest) starts it too; this wrapper
 * adds what only tests need: steps whose failures name the component that failed and its log, and
 * logs kept when a step failed.
 */
import { ControlPlaneError, logTail, type ControlPlane } from "../../scripts/kubernetes/control-plane";

export {
  ControlPlaneError,
  KUBERNETES_SERVER_BIN,
  freePort,
  logTail,
  startClusterControlPlane,
  startControlPlane,
} from "../../scripts/kubernetes/control-plane";
export type { ComponentName, ComponentStatus, ControlPlane, ControlPlaneOptions } from "../../scripts/kubernetes/control-plane";

/** A failed step of a test, attributed to the component that failed. */
export class StepError extends Error {
  readonly code = "CCE_TEST_STEP";
  constructor(
    readonly component: string,
    readonly log: string,
    message: string,
  ) {
    super(message);
    this.name = "StepError";
  }
}

/**
 * Steps against one control plane: `run(what, fn)` runs a step; when it throws, the error says
 * which component failed and where its log is: a control-plane component that is no longer
 * running (with its log tail), else the component the step's own error names (a ControlPlaneError,
 * a StepError such as the engine's), else `component` (by default the test's own check). After a
 * failure, `stop()` keeps the logs and says where they are.
 */
export class Steps {
  private failures = 0;

  constructor(private readonly plane: () => ControlPlane | undefined) {}

  async run<T>(what: string, fn: () => Promise<T> | T, component = "test"): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      this.failures += 1;
      throw this.attribute(what, error, component);
    }
  }

  /** Whether any step failed. */
  failed(): boolean {
    return this.failures > 0;
  }

  /** The control plane's logs, for a StepError of a component outside it (kubectl's answers come from the API server). */
  logDir(): string {
    return this.plane()?.logDir ?? "(no control plane was started)";
  }

  /** Stops the control plane; its logs stay when a step failed (the errors named them). */
  async stop(): Promise<void> {
    const plane = this.plane();
    if (plane === undefined) return;
    await plane.stop({ keepLogs: this.failures > 0 });
    if (this.failures > 0) console.log(`control-plane logs kept for the ${this.failures} failed step(s): ${plane.logDir}`);
  }

  private attribute(what: string, error: unknown, component: string): Error {
    const message = error instanceof Error ? error.message : String(error);
    const plane = this.plane();
    const logs = plane === undefined ? "no control plane was running" : `control-plane logs: ${plane.logDir}`;
    const dead = plane?.status().find((s) => !s.running);
    if (dead !== undefined) {
      return new StepError(
        dead.component,
        dead.logFile,
        `${what}: ${dead.component} failed: it exited (${dead.exit}) (log: ${dead.logFile})\n` +
          `--- last lines of the log, PEM data removed ---\n${logTail(dead.logFile)}\n--- the step's error ---\n${message}`,
      );
    }
    if (error instanceof ControlPlaneError || error instanceof StepError) {
      return new StepError(error.component, "logFile" in error ? error.logFile : error.log, `${what}: ${message}`);
    }
    const who = component === "test" ? "the test's check failed" : `${component} failed`;
    return new StepError(component, logs, `${what}: ${who} (every control-plane component still running; ${logs})\n${message}`);
  }
}
