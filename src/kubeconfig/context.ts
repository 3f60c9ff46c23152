/**
 * Which of the contexts of CCE's clustercert answer a kubeconfig uses. Apart from render.ts so that
 * the inputs' checks (and the exec plugin's cached path) load no YAML library.
 */
import type { ClusterCertResponse } from "../api/types";
import { KubeconfigError } from "../errors";

/** Which context `kubeconfig` makes current. */
export type ContextChoice = "auto" | "internal" | "external" | "externalTLSVerify";

export const CONTEXT_CHOICES: readonly ContextChoice[] = ["auto", "internal", "external", "externalTLSVerify"];

/**
 * `auto` takes the API's `current-context`, except that it prefers `externalTLSVerify` over
 * `external`: both reach the EIP, but `external` skips TLS verification.
 */
export function chooseContext(config: ClusterCertResponse, choice: ContextChoice = "auto"): string {
  const names = config.contexts.map((c) => c.name);
  if (choice !== "auto") {
    if (!names.includes(choice)) {
      const why = choice === "internal" ? "" : " (external contexts exist only when the cluster has an EIP bound)";
      throw new KubeconfigError(`context ${JSON.stringify(choice)} is not in the API's response, which has: ${names.join(", ")}${why}`);
    }
    return choice;
  }
  const current = config["current-context"];
  if (current === "external" && names.includes("externalTLSVerify")) return "externalTLSVerify";
  if (current !== undefined && names.includes(current)) return current;
  return names[0]!;
}
