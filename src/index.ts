export { ClusterCertificate } from "./provider/resource";
export type { ClusterCertificateArgs, KubernetesProviderArgs } from "./provider/resource";
// The provider is the shim module itself: serialization then stores a `require` of it (shim.ts).
export * as clusterCertificateProvider from "./provider/shim";
export type { CertificateOutputs, KubeconfigCluster, KubeconfigContext } from "./provider/outputs";

export { ExecKubeconfig } from "./provider/exec-resource";
export type { ExecKubeconfigArgs } from "./provider/exec-resource";
// The same pattern as clusterCertificateProvider: serialization stores a `require` of exec-shim.
export * as execKubeconfigProvider from "./provider/exec-shim";
export type { ExecKubeconfigOutputs } from "./provider/exec-operations";
export { execCommandPath } from "./provider/exec-command";

export { CertificateRevocation } from "./resources/certificate-revocation/resource";
export type { CertificateRevocationArgs } from "./resources/certificate-revocation/resource";
// The same pattern again: serialization stores a `require` of the revocation's shim.
export * as certificateRevocationProvider from "./resources/certificate-revocation/shim";
export type { RevocationOutputs } from "./resources/certificate-revocation/operations";

export { CceClient, formatExpireAt } from "./api/client";
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
export type { StackConfig } from "./config/settings";
export type { CceCredentials } from "./credentials";

export {
  CceApiError,
  CceKubeconfigError,
  CredentialsError,
  EmulatorError,
  InvalidInputError,
  isCceApiError,
  KubeconfigError,
  ProjectLookupError,
  SharedConfigError,
} from "./errors";
export type { CceApiErrorDetails, ResponseIssue } from "./errors";

export { signRequest } from "./signing";
export type { AkSkCredentials, SignableRequest, SignedRequest, SignOptions } from "./signing";

export { renderKubeconfig } from "./kubeconfig/render";
export type { ContextChoice } from "./kubeconfig/render";

export { startEmulator } from "./emulator";
export type {
  ClusterHandover,
  Emulator,
  EmulatorAgency,
  EmulatorCluster,
  EmulatorCredential,
  EmulatorOptions,
  EmulatorProject,
  FaultSpec,
  IssuedCertificate,
  RecordedRequest,
  EmulatorUser,
  EmulatorIdentityProvider,
} from "./emulator";
// The emulator's default ids are at "pulumi-cce-kubeconfig/emulator", beside the rest of its surface.
// The provider's operations (provider/operations) are not exported: only the serialized shim
// reaches them, by module path, and their signatures follow Pulumi's host, not this package.
// The cce-kubeconfig command (src/exec, docs/exec-kubeconfig.md) is a bin, not an API: its modules
// and the errors only it throws (UsageError, CredentialCacheError) are not exported; programs reach
// it through ExecKubeconfig and execCommandPath().
