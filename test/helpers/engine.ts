/** Runs Pulumi operations with the real engine through scripts/engine/run-stack.js in a child process. */
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { REPO_ROOT } from "./packed-program";
import { requireTool } from "./tools";

export interface StackSpec {
  programDir: string;
  programFile: string;
  project: string;
  stack: string;
  backendUrl: string;
  op: "preview" | "up" | "refresh" | "destroy" | "export" | "export-secrets" | "outputs" | "remove";
  config?: Record<string, { value: string; secret?: boolean }>;
}

export interface StackResult {
  ok: boolean;
  message?: string;
  output?: string;
  changes?: Record<string, number>;
  changeSummary?: Record<string, number>;
  outputs?: Record<string, { value: unknown; secret: boolean }>;
  state?: string;
}

/** The Pulumi CLI's folder; scripts/install-pulumi.sh builds it. Missing means a loud failure. */
export function pulumiBinDir(): string {
  const pulumi = requireTool("pulumi", [join(REPO_ROOT, ".tools", "bin")]);
  return join(pulumi, "..");
}

export function engineEnv(home: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return {
    ...process.env,
    PATH: `${pulumiBinDir()}${delimiter}${process.env["PATH"] ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "1",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "1",
  };
}

/** Runs one operation; resolves with the runner's JSON (ok false on engine failure). */
export function runStack(spec: StackSpec, env: NodeJS.ProcessEnv): Promise<StackResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, "scripts", "engine", "run-stack.js"), JSON.stringify(spec)],
      { env, maxBuffer: 64 << 20, timeout: 300_000 },
      (error, stdout, stderr) => {
        const line = stdout.trim().split("\n").at(-1) ?? "";
        try {
          resolve({ ...(JSON.parse(line) as StackResult), output: `${(JSON.parse(line) as StackResult).output ?? ""}${stderr}` });
        } catch {
          reject(new Error(`run-stack ${spec.op} printed no result (${error?.message ?? "no error"}): ${stderr.slice(-2000)}`));
        }
      },
    );
  });
}
