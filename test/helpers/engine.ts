/** Runs Pulumi operations with the real engine through scripts/engine/run-stack.js in a child process. */
import { join } from "node:path";
import { engineEnv as env, REPO_ROOT } from "../../scripts/engine/program";
import { requireTool } from "./tools";

export { runStack } from "../../scripts/engine/program";
export type { StackResult, StackSpec } from "../../scripts/engine/program";

/** The Pulumi CLI's folder; scripts/install-pulumi.sh builds it. Missing means a loud failure. */
export function pulumiBinDir(): string {
  return join(requireTool("pulumi", [join(REPO_ROOT, ".tools", "bin")]), "..");
}

export function engineEnv(home: string): NodeJS.ProcessEnv {
  return env(pulumiBinDir(), home);
}
