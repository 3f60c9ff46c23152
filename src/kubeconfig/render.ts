/**
 * `renderKubeconfig`: the API's v1.Config response as kubeconfig YAML, with the chosen context
 * current. Entries are kept exactly as the API returned them.
 */
import { KubeconfigError } from "../errors";
import type { ClusterCertResponse } from "../api/types";
import { stringify } from "yaml";

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

/** Builds the kubeconfig as a typed object; `renderKubeconfig` serializes it. */
export function kubeconfigDocument(config: ClusterCertResponse, currentContext: string): ClusterCertResponse {
  return {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: config.clusters,
    users: config.users,
    contexts: config.contexts,
    "current-context": currentContext,
  };
}

/** Kubeconfig YAML of a clustercert response, with `currentContext` (one of its context names) current. */
export function kubeconfigYaml(config: ClusterCertResponse, currentContext: string): string {
  // lineWidth 0: never fold the long base64 values.
  return stringify(kubeconfigDocument(config, currentContext), { lineWidth: 0 });
}

/** Turns a clustercert response into kubeconfig YAML whose current-context is `context`. */
export function renderKubeconfig(config: ClusterCertResponse, context: ContextChoice = "auto"): string {
  return kubeconfigYaml(config, chooseContext(config, context));
}
