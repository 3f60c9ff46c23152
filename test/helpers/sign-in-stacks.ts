/**
 * Stacks of test/e2e/iam-program.js (one certificate) for the sign-in end-to-end tests: each test
 * file signs in one way (a KooCLI profile, ECS metadata, pod identity, OIDC) and shares the rest:
 * a work folder with a file backend, the program copied into the packed-program folder, the
 * emulator's endpoint, cluster, IAM URL and region as stack config, and every output kept so a
 * test can prove that no credential reached it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_NAME } from "./emulator";
import { engineEnv, runStack, type StackResult, type StackSpec } from "./engine";
import { programDir } from "./program-dir";
import { cloudFreeEnv } from "./cloud-free-env";

const IAM_PROGRAM = join(__dirname, "..", "e2e", "iam-program.js");

export class SignInStacks {
  /** The engine's output and error message of every run, for leak checks. */
  readonly outputs: string[] = [];
  readonly work: string;
  private readonly base: Omit<StackSpec, "op" | "stack">;

  /** `name` names the work folder, the program file and the Pulumi project (`cce-e2e-<name>`). */
  constructor(
    private readonly emulator: Emulator,
    name: string,
  ) {
    this.work = mkdtempSync(join(tmpdir(), `cce-e2e-${name}-`));
    mkdirSync(join(this.work, "state"));
    const programFile = `e2e-${name}-program.js`;
    copyFileSync(IAM_PROGRAM, join(programDir(), programFile));
    this.base = { programDir: programDir(), programFile, project: `cce-e2e-${name}`, backendUrl: `file://${join(this.work, "state")}` };
  }

  /** The engine's environment: none of the machine's cloud settings (cloud-free-env.ts), then `settings`. */
  env(settings: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return cloudFreeEnv(engineEnv(join(this.work, "pulumi-home")), settings);
  }

  /** Runs `op` on `stack`; throws with the engine's output when it fails. */
  async ok(stack: string, op: StackSpec["op"], env: NodeJS.ProcessEnv, config: StackSpec["config"] = {}): Promise<StackResult> {
    const result = await runStack(
      {
        ...this.base,
        stack,
        op,
        config: {
          "e2e:endpoint": { value: this.emulator.url },
          "e2e:clusterId": { value: DEFAULT_CLUSTER_ID },
          "huaweicloud:authUrl": { value: this.emulator.authUrl },
          "huaweicloud:region": { value: DEFAULT_PROJECT_NAME },
          ...config,
        },
      },
      env,
    );
    this.outputs.push(`${result.output ?? ""}\n${result.message ?? ""}`);
    if (!result.ok) throw new Error(`pulumi ${op} failed: ${result.message}\n${result.output ?? ""}`);
    return result;
  }

  /** The emulator's requests since `from`, as `METHOD path-or-service status auth`. */
  log(from: number): string[] {
    return this.emulator.requests.slice(from).map((r) => `${r.method} ${r.path.startsWith("/v3") ? r.path : r.path.split("/")[1]} ${r.status} ${r.auth}`);
  }

  /** Removes the work folder (the emulator is the test's to stop). */
  remove(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}
