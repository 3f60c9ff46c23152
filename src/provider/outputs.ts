/**
 * The outputs of a ClusterCertificate, computed from inputs and an API response (fresh from
 * `create`, or parsed back from the stored kubeconfig in `update`).
 */
import { parse } from "yaml";
import { clusterCertResponse } from "../api/schemas";
import { validate } from "../api/shape";
import type { ClusterCertResponse } from "../api/types";
import { KubeconfigError } from "../errors";
import { pemFromData, readCertificate } from "../kubeconfig/certificate";
import { chooseContext, kubeconfigYaml } from "../kubeconfig/render";
import type { KnownInputs } from "./inputs";

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

/** What the provider stores: the checked inputs, plus these. */
export interface CertificateOutputs extends KnownInputs {
  kubeconfig: string;
  server: string;
  certificateAuthorityData: string;
  clientCertificateData: string;
  clientKeyData: string;
  contexts: KubeconfigContext[];
  clusters: KubeconfigCluster[];
  currentContext: string;
  /** ISO 8601, read from the client certificate. */
  expiresAt: string;
  /** ISO 8601 `notBefore` of the client certificate; renewal uses it to avoid a renewal loop. */
  issuedAt: string;
}

/** Outputs that hold credentials or cluster addresses; the resource marks them secret. */
export const SECRET_OUTPUTS = [
  "kubeconfig",
  "server",
  "certificateAuthorityData",
  "clientCertificateData",
  "clientKeyData",
  "contexts",
  "clusters",
] as const;

export function buildOutputs(inputs: KnownInputs, config: ClusterCertResponse): CertificateOutputs {
  const currentContext = chooseContext(config, inputs.context);
  const context = config.contexts.find((c) => c.name === currentContext)!;
  const cluster = config.clusters.find((c) => c.name === context.context.cluster)!.cluster;
  const user = config.users.find((u) => u.name === context.context.user)!.user;
  // All clusters of one CCE cluster share its CA; the insecure external entry carries none.
  const caData =
    cluster["certificate-authority-data"] ??
    config.clusters.find((c) => c.cluster["certificate-authority-data"] !== undefined)?.cluster["certificate-authority-data"] ??
    "";
  const facts = readCertificate(pemFromData(user["client-certificate-data"]));
  return {
    ...inputs,
    kubeconfig: kubeconfigYaml(config, currentContext),
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
      if (c.cluster["certificate-authority-data"] !== undefined) {
        entry.certificateAuthorityData = c.cluster["certificate-authority-data"];
      }
      return entry;
    }),
    currentContext,
    expiresAt: facts.notAfter.toISOString(),
    issuedAt: facts.notBefore.toISOString(),
  };
}

/** Reads back the API response stored in a kubeconfig output, to re-render it without minting. */
export function parseStoredKubeconfig(kubeconfig: unknown): ClusterCertResponse {
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

/** The resource id: unique per certificate, and telling which cluster it is for. */
export function certificateId(clusterId: string, clientCertificateData: string): string {
  return `${clusterId}:${readCertificate(pemFromData(clientCertificateData)).serialNumber}`;
}
