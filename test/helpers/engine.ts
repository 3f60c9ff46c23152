/** Runs Pulumi operations with the real engine through scripts/engine/run-stack.js in a child process. */
import { join } from "node:path";
import { engineEnv as env, REPO_ROOT } from "../../scripts/engine/program";
import { requireTool } from "./tools";

export { runStack } from "../../scripts/engine/program";
export type { StackResult, StackSpec } from "../../scripts/engine/program";

/**
 * The folders of the Pulumi CLI and the Kubernetes provider plugin, which scripts/install-pulumi.sh
 * and scripts/install-kubernetes-provider.sh build. Missing means a loud failure, never a skip.
 */
export function engineBinDirs(): string[] {
  return [
    join(requireTool("pulumi", [join(REPO_ROOT, ".tools", "bin")]), ".."),
    join(requireTool("pulumi-resource-kubernetes", [join(REPO_ROOT, ".tools", "kubernetes-bin")]), ".."),
  ];
}

export function engineEnv(home: string): NodeJS.ProcessEnv {
  return env(engineBinDirs(), home);
}
