/**
 * `renderKubeconfig`: the API's v1.Config response as kubeconfig YAML, with the chosen context
 * current. Entries are kept exactly as the API returned them.
 */
import type { ClusterCertResponse } from "../api/types";
import { stringify } from "yaml";
import { chooseContext, type ContextChoice } from "./context";

export { chooseContext, CONTEXT_CHOICES, type ContextChoice } from "./context";

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
