/**
 * The context choice: asked of the cluster before a mint (an external context needs an EIP), then
 * applied to CCE's answer, which is read out structurally (server, CA, client certificate and
 * key, validity, every context and cluster) for each renderer: the resource's kubeconfig, the
 * command's ExecCredential and its cache. Nothing here renders or parses YAML.
 */
import type { CceClient } from "../api/client";
import type { ClusterCertResponse } from "../api/types";
import { InvalidInputError } from "../errors";
import { pemFromData, readCertificate } from "../kubeconfig/certificate";
import { chooseContext, type ContextChoice } from "../kubeconfig/context";
import { kubeconfigEntries, type KubeconfigCluster, type KubeconfigContext } from "../kubeconfig/entries";

/** A client certificate of CCE's answer, with one of its contexts chosen. */
export interface ClientCertificate {
  /** The context the choice made current: one of `contexts`. */
  currentContext: string;
  /** The API server URL of the current context. */
  server: string;
  /**
   * Base64 of the cluster CA's PEM (another entry's when the current one carries none; all
   * clusters of one CCE cluster share it). Absent when the current context skips TLS verification
   * or CCE sent no CA.
   */
  certificateAuthorityData?: string;
  /** The current context's cluster entry skips TLS verification (CCE's `external` context). */
  insecureSkipTlsVerify: boolean;
  clientCertificatePem: string;
  clientKeyPem: string;
  /** Read from the certificate itself: the server may cap the validity asked for. */
  notBefore: Date;
  notAfter: Date;
  /** Upper-case hex, as OpenSSL prints it. */
  serialNumber: string;
  contexts: KubeconfigContext[];
  clusters: KubeconfigCluster[];
  /** CCE's answer as it came, for a renderer that keeps every entry (the resource's kubeconfig). */
  answer: ClusterCertResponse;
}

/**
 * An external context exists only on a cluster with an EIP. Asking first costs one read and
 * saves a certificate that would be minted, then refused, and never revocable on its own.
 */
export async function assertContextAvailable(client: CceClient, request: { clusterId: string; context: ContextChoice }): Promise<void> {
  if (request.context !== "external" && request.context !== "externalTLSVerify") return;
  const endpoints = (await client.getCluster(request.clusterId)).status?.endpoints;
  if (endpoints && endpoints.length > 0 && !endpoints.some((e) => /external/i.test(e.type ?? ""))) {
    throw new InvalidInputError(
      "context",
      `${JSON.stringify(request.context)} needs an EIP bound to cluster ${request.clusterId}, which lists only internal endpoints; ` +
        "bind an EIP or use context auto or internal (nothing was minted)",
    );
  }
}

/** `answer` read out with `choice` applied (kubeconfig/context.ts); throws KubeconfigError when the choice or the certificate is not in it. */
export function clientCertificateOf(answer: ClusterCertResponse, choice: ContextChoice): ClientCertificate {
  const currentContext = chooseContext(answer, choice);
  const entries = kubeconfigEntries(answer, currentContext);
  const clusterName = entries.contexts.find((c) => c.name === currentContext)?.cluster;
  const insecureSkipTlsVerify = entries.clusters.find((c) => c.name === clusterName)?.insecureSkipTlsVerify === true;
  const clientCertificatePem = pemFromData(entries.clientCertificateData);
  const { notBefore, notAfter, serialNumber } = readCertificate(clientCertificatePem);
  const certificate: ClientCertificate = {
    currentContext,
    server: entries.server,
    insecureSkipTlsVerify,
    clientCertificatePem,
    clientKeyPem: pemFromData(entries.clientKeyData),
    notBefore,
    notAfter,
    serialNumber,
    contexts: entries.contexts,
    clusters: entries.clusters,
    answer,
  };
  if (!insecureSkipTlsVerify && entries.certificateAuthorityData !== "") certificate.certificateAuthorityData = entries.certificateAuthorityData;
  return certificate;
}
