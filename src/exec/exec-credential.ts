/**
 * The Kubernetes side of the exec plugin: what `KUBERNETES_EXEC_INFO` says, the `ExecCredential`
 * printed on stdout, and when a cached certificate counts as expiring.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins
 */
import { InvalidInputError } from "../errors";
import { rfc3339 } from "./hand-out";

export { handOutUntil, renewalMarginMs } from "./hand-out";

/** The API versions of the exec protocol this plugin answers; v1alpha1 is gone from client-go. */
export const EXEC_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"] as const;
export type ExecApiVersion = (typeof EXEC_API_VERSIONS)[number];
export const DEFAULT_EXEC_API_VERSION: ExecApiVersion = "client.authentication.k8s.io/v1";

export interface ExecCredential {
  apiVersion: ExecApiVersion;
  kind: "ExecCredential";
  status: {
    /** PEM, not base64: the exec protocol differs from the kubeconfig's `*-data` fields here. */
    clientCertificateData: string;
    clientKeyData: string;
    /** RFC 3339; the client runs the plugin again from then on. */
    expirationTimestamp: string;
  };
}

/**
 * The API version to answer in: the one `KUBERNETES_EXEC_INFO` names (client-go refuses an answer
 * in another version), else v1. The plugin never prompts, so `spec.interactive` needs no reading;
 * the kubeconfig written by this command sets `interactiveMode: Never` too.
 */
export function execApiVersion(execInfo: string | undefined): ExecApiVersion {
  if (execInfo === undefined || execInfo.trim() === "") return DEFAULT_EXEC_API_VERSION;
  let parsed: unknown;
  try {
    parsed = JSON.parse(execInfo);
  } catch {
    parsed = undefined;
  }
  const apiVersion = typeof parsed === "object" && parsed !== null ? (parsed as { apiVersion?: unknown }).apiVersion : undefined;
  if (typeof apiVersion !== "string") throw new InvalidInputError("KUBERNETES_EXEC_INFO", "is set but is not an ExecCredential JSON object with an apiVersion");
  if (!(EXEC_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new InvalidInputError("KUBERNETES_EXEC_INFO", `names ${JSON.stringify(apiVersion.slice(0, 80))}; this plugin answers ${EXEC_API_VERSIONS.join(" and ")}`);
  }
  return apiVersion as ExecApiVersion;
}

export function execCredential(apiVersion: ExecApiVersion, certificatePem: string, keyPem: string, expiresAt: Date): ExecCredential {
  return {
    apiVersion,
    kind: "ExecCredential",
    status: { clientCertificateData: certificatePem, clientKeyData: keyPem, expirationTimestamp: rfc3339(expiresAt) },
  };
}
