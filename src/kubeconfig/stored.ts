/**
 * A kubeconfig this package stored (a ClusterCertificate's `kubeconfig` output), read back. Apart
 * from entries.ts so that what only reads CCE's answer (the mint core, the `cce-kubeconfig`
 * command when it mints) does not load the YAML parser.
 */
import { parse } from "yaml";
import { clusterCertResponse } from "../api/schemas";
import { validate } from "../api/shape";
import type { ClusterCertResponse } from "../api/types";
import { KubeconfigError } from "../errors";
import { kubeconfigEntries, type KubeconfigEntries } from "./entries";

/** Reads a kubeconfig this package rendered back into the API's response. */
export function parseKubeconfig(kubeconfig: unknown): ClusterCertResponse {
  let document: unknown;
  try {
    document = typeof kubeconfig === "string" ? parse(kubeconfig) : undefined;
  } catch {
    // The parser's message quotes the text, which holds the client key: say nothing of it.
    document = undefined;
  }
  const parsed = validate(clusterCertResponse, document);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    throw new KubeconfigError(`the stored kubeconfig is unreadable (${first?.path} ${first?.message}); replace the resource to mint a new one`);
  }
  return parsed.value;
}

/** The entries of a stored kubeconfig, its own current-context current. */
export function storedKubeconfigEntries(kubeconfig: string): KubeconfigEntries {
  const config = parseKubeconfig(kubeconfig);
  return kubeconfigEntries(config, config["current-context"] ?? config.contexts[0]!.name);
}
