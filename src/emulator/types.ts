/** The public types of the CCE emulator. */

/** A cluster the emulator serves. */
export interface EmulatorCluster {
  /** The cluster id; CCE uses a UUID. */
  id: string;
  /** The cluster name shown by "show cluster"; default: `emulated-` and the first 8 characters of the id. */
  name?: string;
  /** Whether an EIP is bound: adds the `externalCluster` and `externalClusterTLSVerify` entries. @default false */
  eip?: boolean;
  /**
   * The family: `cce` clusters answer under `/api/v3`, `autopilot` ones under `/autopilot/v3`;
   * each path answers 404 CCE.01404001 for a cluster of the other family. @default "cce"
   */
  kind?: "cce" | "autopilot";
}

/** An IAM user who may sign in with a password (`POST /v3/auth/tokens`). */
export interface EmulatorUser {
  name: string;
  password: string;
  /** The account (domain) name the sign-in names. */
  domainName: string;
  /** @default a stable 32-hex id derived from the name and account */
  id?: string;
  /** @default a stable 32-hex id derived from the account name */
  domainId?: string;
  /** A locked account answers 401 "The account is locked." whatever the password. @default false */
  locked?: boolean;
  /**
   * An administrator may revoke any identity's certificates (clustercertrevoke); a plain IAM user
   * only their own, anyone else's answers 403. @default false
   */
  admin?: boolean;
}

/** An agency that signed-in callers may assume (`POST /v3.0/OS-CREDENTIAL/securitytokens`). */
export interface EmulatorAgency {
  name: string;
  /** The account that owns it. */
  domainName: string;
  /** @default a stable 32-hex id derived from the account name */
  domainId?: string;
}

/** An OIDC identity provider IAM trusts (`POST /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id`). */
export interface EmulatorIdentityProvider {
  /** The id users name in X-Idp-Id (HW_ASSUME_ROLE_IDP_ID). */
  id: string;
  /** The `iss` an ID token must carry, e.g. "https://token.actions.githubusercontent.com". */
  issuer: string;
  /** A value the token's `aud` (string or array) must hold. */
  audience: string;
  /** PEM public key (SPKI) whose signature the token must carry: RSA (RS256) or EC P-256 (ES256). */
  publicKeyPem: string;
  /** When set, the token's `sub` must equal it (IAM's identity conversion rules, reduced to one). */
  subject?: string;
  /** The user the federated token acts as. @default a stable id derived from the provider id */
  userId?: string;
}

export interface EmulatorProject {
  /** The project id; Huawei Cloud uses 32 hex characters. */
  id: string;
  /**
   * The IAM project name: the region (`cn-north-4`), or `{region}_{suffix}` for a sub-project.
   * `GET /v3/projects?name=` lists the projects of that name; a sign-in may be scoped by it.
   * @default "cn-north-4" for the default project; none (found by id only) otherwise
   */
  name?: string;
  clusters: EmulatorCluster[];
}

/** An AK/SK pair the emulator accepts; a `securityToken` makes it a temporary credential. */
export interface EmulatorCredential {
  accessKey: string;
  secretKey: string;
  /** When set, requests signed with this pair must carry a matching, signed `X-Security-Token`. */
  securityToken?: string;
  /**
   * Whether the pair is an administrator's: it may revoke any identity's certificates; `false` makes
   * it a plain IAM user's, which may revoke only its own (anyone else's answers 403). Fixed tokens
   * are administrators'. @default true
   */
  admin?: boolean;
}

export interface EmulatorOptions {
  /** The interface to listen on. @default "127.0.0.1" (loopback only) */
  host?: string;
  /** The API server's port; 0 picks a free one. @default 0 */
  port?: number;
  /** @default one project DEFAULT_PROJECT_ID with one cluster DEFAULT_CLUSTER_ID */
  projects?: EmulatorProject[];
  /** @default one random pair, readable on the Emulator object */
  credentials?: EmulatorCredential[];
  /** Accepted `X-Auth-Token` values. @default one random token */
  tokens?: string[];
  /** IAM users who may sign in with a password on the emulator's own origin (`{url}/v3`). @default none */
  users?: EmulatorUser[];
  /** Agencies any authenticated caller may assume. @default none */
  agencies?: EmulatorAgency[];
  /**
   * OIDC identity providers whose ID tokens IAM exchanges for a token (keyless CI sign-in), on the
   * emulator's own origin. @default none
   */
  identityProviders?: EmulatorIdentityProvider[];
  /** Life of a token from a password sign-in or an ID token exchange, in ms. @default 86_400_000 (24 hours, as IAM's) */
  tokenLifetimeMs?: number;
  /** The server's clock, for X-Sdk-Date checks and certificate validity. @default () => new Date() */
  now?: () => Date;
  /** Validity of certificates from the discarded GET call, in days. @default 365 */
  legacyGetValidityDays?: number;
  /**
   * Answer every clustercert call of one caller on one cluster with the certificate minted on its
   * first call (with that call's validity), for benchmarks, where minting (a key pair and a
   * signature, milliseconds) would set the pace. Calls are still authenticated, validated,
   * recorded and counted by mintCount. @default false
   */
  preissuedCertificates?: boolean;
  /**
   * The ECS metadata service on the same origin (`/meta-data/latest/api/token`, `/openstack/latest/securitykey`):
   * "required", the SDKs' token step; "absent", the PUT answers 404 and the GET needs no token. @default "required"
   */
  metadataTokenStep?: "required" | "absent";
  /** The pod token CCE pod identity accepts in `Authorization`. @default a random one */
  podIdentityToken?: string;
  /** Life of the temporary keys from the metadata service and pod identity, in ms. @default 86_400_000 */
  instanceKeyLifetimeMs?: number;
  /** Whether the discarded `GET .../clustercert` is served; false answers 404. @default true */
  serveLegacyGet?: boolean;
}

/** A scripted answer for matching requests, applied before authentication and minting. */
export interface FaultSpec {
  /** The HTTP method to match (any case). @default every method */
  method?: string;
  /** A substring of, or a regular expression for, the request path (without the query). @default every path */
  path?: string | RegExp;
  /** How many matching requests this fault answers. @default 1 */
  times?: number;
  /** Wait this long (ms) before answering; alone, the request is then processed normally. */
  delayMs?: number;
  /** Answer with this status instead of processing the request. */
  status?: number;
  headers?: Record<string, string>;
  /** The body to answer with; an object is sent as JSON. */
  body?: string | object;
  /** Destroy the socket before writing anything, or after writing the status line and headers. */
  reset?: "before-headers" | "after-headers";
  /** Send headers with a Content-Length larger than the body, then close the connection. */
  truncate?: boolean;
  /**
   * Answer with a body of this many bytes (spaces after `body`, or after an opening `{`), streamed
   * in 64 kB chunks as the client reads them, so the emulator holds none of it: for tests of how
   * much of an answer a client reads. Stops when the client closes the connection.
   */
  bodyBytes?: number;
}

/** One request the API server answered. Never holds headers, bodies or secrets. */
export interface RecordedRequest {
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The status answered; 0 when a fault reset the connection before any headers. */
  status: number;
  projectId?: string;
  clusterId?: string;
  /** How the request authenticated successfully; "none" when it did not (or was faulted first). */
  auth: "aksk" | "token" | "password" | "none";
  /** Whether a fault answered or delayed it. */
  fault: boolean;
  at: Date;
}

export interface IssuedCertificate {
  clusterId: string;
  /** Uppercase hex, as Node's `X509Certificate.serialNumber` prints it. */
  serialNumber: string;
  /** The subject DN, e.g. `O=system:masters, CN=<user id>`. */
  subject: string;
  notBefore: Date;
  notAfter: Date;
  accessKeyOrToken: "aksk" | "token";
  certificatePem: string;
  revoked: boolean;
}

export interface Emulator {
  /** The CCE base URL, `http://127.0.0.1:PORT`. */
  url: string;
  /** The IAM URL on the same origin, `http://127.0.0.1:PORT/v3`, for huaweicloud:authUrl / HW_AUTH_URL. */
  authUrl: string;
  credentials: EmulatorCredential[];
  tokens: string[];
  projectIds: string[];
  /** Certificates issued, on one cluster or on all clusters when omitted. */
  mintCount(clusterId?: string): number;
  /** Successful `clustercertrevoke` calls, on one cluster or on all clusters when omitted. */
  revokeCount(clusterId?: string): number;
  certificates(clusterId?: string): IssuedCertificate[];
  requests: RecordedRequest[];
  clearRequests(): void;
  /**
   * `https://127.0.0.1:PORT` of that cluster's API server: the emulator's own TLS endpoint, or the
   * external server the cluster was handed over to (handOverCluster).
   */
  clusterEndpoint(clusterId: string): string;
  clusterCaPem(clusterId: string): string;
  /** Adds a cluster (and the project, when new) and starts its TLS API server. */
  addCluster(projectId: string, cluster: EmulatorCluster): Promise<void>;
  /**
   * Hands a cluster over to an external Kubernetes API server (a real kube-apiserver): issues from
   * the cluster's CA what that server needs (see ClusterHandover); once the server listens, its
   * `attach(url)` makes the clustercert answers and show-cluster's endpoints point at it.
   */
  handOverCluster(clusterId: string): Promise<ClusterHandover>;
  /** Later API calls for it answer 404 CCE.01404001; its TLS endpoint stays up until stop(). */
  deleteCluster(clusterId: string): void;
  /** Queues a fault; queued faults are matched in order. */
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** TCP connections accepted by the API server so far. */
  socketCount(): number;
  /**
   * Later certificates are stamped as if issued `days` ago (notBefore and notAfter both move
   * back), so a test can hold a certificate that is deep into its life without waiting. 0 restores.
   */
  backdateCertificates(days: number): void;
  /**
   * Revokes every token and temporary key pair IAM has issued, as IAM does when a password or a
   * permission changes: at once (0), or after `afterUses` more CCE requests accepted with issued
   * credentials, so a test can expire a token in the middle of a deployment (between a resource's
   * cluster check and its mint). CCE then answers 401, as for an expired token. One-shot; fixed
   * tokens and keys are not affected. @default 0
   */
  expireTokens(afterUses?: number): void;
  /** Password sign-ins answered with a token so far. */
  signInCount(): number;
  /** ID tokens exchanged for an IAM token (`POST /v3.0/OS-AUTH/id-token/tokens` answered 201) so far. */
  idTokenExchangeCount(): number;
  /** Temporary key pairs the metadata service and pod identity answered so far. */
  instanceKeyCount(): number;
  /** CCE pod identity on loopback, for HC_CONTAINER_CREDENTIALS_FULL_URI. */
  podIdentityUri: string;
  /** The pod token it accepts now: what a test writes to HC_CONTAINER_AUTHORIZATION_TOKEN_FILE. */
  readonly podIdentityToken: string;
  /** Replaces the accepted pod token (as the kubelet rotates it) and returns the new one. */
  rotatePodIdentityToken(): string;
  /** Names a project (IAM's project name) after start, e.g. a second one with the same name. */
  nameProject(projectId: string, name: string): void;
  /** The tokens and temporary keys IAM issued so far, for tests that prove they leak nowhere. */
  issuedCredentials(): { tokens: string[]; credentials: EmulatorCredential[] };
  /** Closes every server and open socket, TLS endpoints included. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A cluster handed over to an external Kubernetes API server (Emulator.handOverCluster): the
 * certificates that server needs, all issued by the cluster's CA, so the kubeconfigs the emulator
 * mints work against it as against a CCE cluster, and `attach` to point the cluster at it.
 *
 * Start the server (for kube-apiserver: `--client-ca-file` = clientCaBundlePem(), rewritten in
 * place on every onClientCaChange, `--tls-cert-file` and `--tls-private-key-file` = the serving
 * pair, RBAC on, loopback only) on `https://127.0.0.1:PORT`, then call `attach`. From then on every
 * client certificate the emulator mints authenticates there as its subject: user = the caller's
 * user id, or the agency's id for an assumed agency (CN), group `system:masters` (O), exactly as on CCE.
 *
 * Revocation: each identity's certificates come from its own issuing CA under the cluster's CA
 * (src/emulator/issuers.ts). `clustercertrevoke` retires that issuer and drops it from the client
 * CA bundle, so a server that reloads the file (kube-apiserver does, within seconds) refuses every
 * certificate the identity held (401) and accepts the ones minted afterwards. A server given the
 * cluster's CA as client CA instead would accept nothing: the CA is never in the bundle. The
 * emulator neither starts nor stops the server. Every field but `clusterId` is secret: never log it.
 */
export interface ClusterHandover {
  clusterId: string;
  /** The cluster's CA (PEM): what verifies the serving certificate (a kubeconfig's certificate-authority-data). */
  caPem: string;
  /**
   * The client CA bundle now (PEM, several certificates): the issuers of live certificates and the
   * controller manager's. The API server's `--client-ca-file`.
   */
  clientCaBundlePem(): string;
  /** Calls `listener` whenever the bundle changes (a revoke, a new issuer); returns the unsubscribe. */
  onClientCaChange(listener: () => void): () => void;
  /** The API server's serving certificate (PEM), SANs IP 127.0.0.1 and DNS localhost: `--tls-cert-file`. */
  servingCertificatePem: string;
  /** Its private key (PKCS#8 PEM): `--tls-private-key-file`. */
  servingKeyPem: string;
  /**
   * A client certificate (PEM) with subject `O=system:masters, CN=system:kube-controller-manager`,
   * valid as long as the CA, from the cluster's system issuer (in every bundle, never retired):
   * for kube-controller-manager's kubeconfig (and readiness probes).
   */
  controllerManagerCertificatePem: string;
  /** Its private key (PKCS#8 PEM). */
  controllerManagerKeyPem: string;
  /**
   * Points the cluster at the server listening at `url`, which must be `https://127.0.0.1:PORT`
   * (the serving certificate's address). Later clustercert answers name it as the internal server
   * and, on a cluster with an EIP, `https://localhost:PORT` as the external one; show-cluster's
   * `status.endpoints` list the same. The emulator's own TLS endpoint for the cluster is closed.
   * Calling it again re-points the cluster (a restarted server on another port).
   */
  attach(url: string): Promise<void>;
}
