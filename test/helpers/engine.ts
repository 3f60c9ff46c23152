/** Runs Pulumi operations with the real engine through scripts/engine/run-stack.js in a child process. */
import { join } from "node:path";
import { engineEnv as env, REPO_ROOT } from "../../scripts/engine/program";
import { requireTool } from "./tools";

import { runStack as run, type StackResult, type StackSpec } from "../../scripts/engine/program";
import { recordOutput } from "./capture";

/** Runs one operation with the real engine; its output joins the suite-wide capture. */
export async function runStack(spec: StackSpec, env: NodeJS.ProcessEnv): Promise<StackResult> {
  const result = await run(spec, env);
  recordOutput(`pulumi ${spec.op} (${spec.stack})`, `${result.output ?? ""}\n${result.message ?? ""}`);
  return result;
}
export type { StackResult, StackSpec } from "../../scripts/engine/program";

/** runStack, failing with the engine's message and output unless the operation succeeded. */
export async function runStackOk(spec: StackSpec, env: NodeJS.ProcessEnv): Promise<StackResult> {
  const result = await runStack(spec, env);
  if (!result.ok) throw new Error(`pulumi ${spec.op} (${spec.stack}) failed: ${result.message}\n${result.output ?? ""}`);
  return result;
}

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
