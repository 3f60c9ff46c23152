/**
 * What the provider stores for a ClusterCertificate, rendered from inputs and a client certificate
 * of the mint core (fresh from `create`, or read from the stored kubeconfig in `update`).
 *
 * Each secret is stored once: the kubeconfig holds the CA, the client certificate and its key, and
 * the resource derives its other secret outputs from it in the program (provider/resource.ts).
 * Storing them again beside it multiplied the encrypted state per certificate (and the time the
 * engine spends writing every checkpoint) for nothing (issue #9).
 */
import type { ClientCertificate } from "../certificates";
import { kubeconfigYaml } from "../kubeconfig/render";
import type { KnownInputs } from "../resources/cluster-certificate/inputs";

export type { KubeconfigCluster, KubeconfigContext } from "../kubeconfig/entries";

/** What the provider stores: the checked inputs, plus these. */
export interface CertificateOutputs extends KnownInputs {
  /** The project the certificate was minted in: set, or looked up by projectName. */
  projectId: string;
  /** Kubeconfig YAML, every entry as the API returned it; secret. */
  kubeconfig: string;
  currentContext: string;
  /** ISO 8601, read from the client certificate. */
  expiresAt: string;
  /** ISO 8601 `notBefore` of the client certificate; renewal uses it to avoid a renewal loop. */
  issuedAt: string;
}

/** Stored outputs that hold credentials; the resource marks them secret. */
export const SECRET_OUTPUTS = ["kubeconfig"] as const;

/** The outputs to store, and the id of the certificate (unique per certificate, naming its cluster). */
export function buildOutputs(inputs: KnownInputs & { projectId: string }, certificate: ClientCertificate): { id: string; outs: CertificateOutputs } {
  const { currentContext } = certificate;
  return {
    id: `${inputs.clusterId}:${certificate.serialNumber}`,
    outs: {
      ...inputs,
      // Every entry as CCE answered, the chosen context current.
      kubeconfig: kubeconfigYaml(certificate.answer, currentContext),
      currentContext,
      expiresAt: certificate.notAfter.toISOString(),
      issuedAt: certificate.notBefore.toISOString(),
    },
  };
}
