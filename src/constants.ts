/**
 * Facts that more than one module relies on, product and emulator alike, each defined once.
 * Where a number comes from the API, its comment says which documented rule it is.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** CCE refuses an `expire_at` less than 15 minutes ahead ("Obtaining a Cluster Certificate"). */
export const MIN_EXPIRE_AHEAD_MS = 15 * MINUTE_MS;

/**
 * The server's limit on `duration` on Huawei Cloud: 1 to 1827 days (five years with their leap
 * days). The emulator enforces it, as CCE does.
 */
export const HUAWEI_MAX_DURATION_DAYS = 1827;

/**
 * The client's own bound on `duration`, looser than Huawei's: Open Telekom Cloud documents up to
 * 10,950 days (30 years), and the server is the arbiter. This only refuses absurd values.
 */
export const CLIENT_MAX_DURATION_DAYS = 10_950;

/**
 * A token or temporary key pair from IAM is used until this long before its `expires_at` (or half
 * its life, when that is shorter): longer than one CCE call may take with its retries (a 2-minute
 * budget), so a credential never expires in the middle of a call.
 */
export const IAM_RENEW_LEAD_MS = 5 * MINUTE_MS;

/**
 * What an agency's temporary keys are asked to last, in seconds: one hour. IAM allows 15 minutes
 * to 24 hours (the Terraform provider asks for 24); a Pulumi run is short, a short life limits what
 * a leaked key could do, and a longer run gets new keys before these expire.
 */
export const AGENCY_CREDENTIAL_SECONDS = 3_600;
/**
 * Life of the temporary keys an OIDC federated token is exchanged for: an hour, like an agency's;
 * a longer run exchanges the ID token file's current token again 5 minutes before they expire.
 */
export const FEDERATED_CREDENTIAL_SECONDS = 3_600;

/** The API gateway refuses an `X-Sdk-Date` more than 15 minutes from its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * MINUTE_MS;

/**
 * A project or cluster id as it may appear in a request path: a CCE cluster id is a UUID and a
 * project id 32 hex characters; this admits both, and nothing that could change the path.
 */
export const CCE_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The API error codes this package acts on or answers with (docs/cce-api.md, "Errors"). */
export const API_ERROR_CODES = {
  invalidRequest: "CCE.01400001",
  unauthorized: "CCE.01401001",
  forbidden: "CCE.01403001",
  /** The project or cluster does not exist. */
  notFound: "CCE.01404001",
  conflict: "CCE.01409001",
  throttled: "CCE.01429002",
  internal: "CCE.01500001",
  /** The API gateway refused the AK/SK signature or token. */
  gatewayUnauthorized: "APIGW.0301",
} as const;

/**
 * The two cluster families, each with its own API paths (docs/cce-api.md, "Autopilot clusters"):
 * CCE standard and Turbo clusters under `/api/v3`, CCE Autopilot (serverless) under `/autopilot/v3`.
 */
export const CLUSTER_KINDS = ["cce", "autopilot"] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

/**
 * Where the engine downloads the provider plugin from when a program does not have it: the GitHub
 * releases of github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig (the repository defaults to
 * `pulumi-<package name>`), asset `pulumi-resource-cce-kubeconfig-v<version>-<os>-<arch>.tar.gz`
 * of tag `v<version>` (scripts/build-artifacts.sh lays them out).
 */
export const PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumi-cce-kubeconfig";

/** The project's source repository: the Go module path and the release URL name the same one. */
export const REPOSITORY_URL = "https://github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig";
