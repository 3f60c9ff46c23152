/**
 * What a kubeconfig holds, read out for the resource's outputs: the current context's server,
 * CA, client certificate and key, and every context and cluster. The provider stores only the
 * kubeconfig (each secret once); the resource derives these from it (provider/resource.ts), and
 * `parseKubeconfig` reads a stored one back.
 */
import type { ClusterCertResponse } from "../api/types";
import { KubeconfigError } from "../errors";

export interface KubeconfigContext {
  name: string;
  cluster: string;
  user: string;
}

export interface KubeconfigCluster {
  name: string;
  server: string;
  insecureSkipTlsVerify: boolean;
  certificateAuthorityData?: string;
}

export interface KubeconfigEntries {
  /** API server URL of the current context. */
  server: string;
  /** Base64 of the cluster CA's PEM. */
  certificateAuthorityData: string;
  /** Base64 of the current context's client certificate PEM. */
  clientCertificateData: string;
  /** Base64 of the current context's client key PEM. */
  clientKeyData: string;
  contexts: KubeconfigContext[];
  clusters: KubeconfigCluster[];
}

/** The entries of `config`, with `currentContext` (one of its context names) current. */
export function kubeconfigEntries(config: ClusterCertResponse, currentContext: string): KubeconfigEntries {
  const context = config.contexts.find((c) => c.name === currentContext);
  const cluster = config.clusters.find((c) => c.name === context?.context.cluster)?.cluster;
  const user = config.users.find((u) => u.name === context?.context.user)?.user;
  if (context === undefined || cluster === undefined || user === undefined) {
    throw new KubeconfigError(`the kubeconfig's current context ${JSON.stringify(currentContext)} names no context, cluster or user of it`);
  }
  // All clusters of one CCE cluster share its CA; the insecure external entry carries none.
  const caData =
    cluster["certificate-authority-data"] ??
    config.clusters.find((c) => c.cluster["certificate-authority-data"] !== undefined)?.cluster["certificate-authority-data"] ??
    "";
  return {
    server: cluster.server,
    certificateAuthorityData: caData,
    clientCertificateData: user["client-certificate-data"],
    clientKeyData: user["client-key-data"],
    contexts: config.contexts.map((c) => ({ name: c.name, cluster: c.context.cluster, user: c.context.user })),
    clusters: config.clusters.map((c) => {
      const entry: KubeconfigCluster = {
        name: c.name,
        server: c.cluster.server,
        insecureSkipTlsVerify: c.cluster["insecure-skip-tls-verify"] === true,
      };
      if (c.cluster["certificate-authority-data"] !== undefined) entry.certificateAuthorityData = c.cluster["certificate-authority-data"];
      return entry;
    }),
  };
}
