/**
 * `pulumi-cce-kubeconfig/client`: the CCE client alone, for programs and tools that do not use
 * Pulumi. It loads undici and this package's client modules only: no `@pulumi/pulumi`, emulator,
 * X.509, YAML or zod code (test/package/client-entry.test.ts checks the modules a fresh process
 * loads). The package's main entry point stays the Pulumi one.
 */
export { CceClient, formatExpireAt, MAX_CONNECTIONS_PER_ORIGIN, MAX_RESPONSE_BYTES } from "./api/client";
export type {
  CceClientOptions,
  CertificateRequest,
  CertificateRevocationResult,
  ClusterKind,
  CredentialSource,
  HttpDispatcher,
  IssuedClusterCertificate,
  RevocationTarget,
} from "./api/client";
export type { RetryOptions } from "./api/retry";
export type { ClusterCertResponse, ClusterShowResponse } from "./api/types";
export type { CceCredentials } from "./credentials";

export { CceApiError, CceKubeconfigError, CredentialsError, InvalidInputError, isCceApiError } from "./errors";
export type { CceApiErrorDetails, ResponseIssue } from "./errors";

export { signRequest } from "./signing";
export type { AkSkCredentials, SignableRequest, SignedRequest, SignOptions } from "./signing";
