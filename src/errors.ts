import { API_ERROR_CODES } from "./constants";

/**
 * Every error this package throws, the emulator's included. Messages name the method, path, field or API code a user can
 * act on, and never a header, body, key, token, signature or certificate: callers that need more
 * read the fields.
 */

/** The base of this package's errors; `code` is stable and machine-readable. */
export class CceKubeconfigError extends Error {
  override name = "CceKubeconfigError";
  readonly code: string = "CCE_KUBECONFIG_ERROR";
}

/** A field of the API response failed validation. */
export interface ResponseIssue {
  /** Dotted path of the bad field, e.g. `users.0.user.client-key-data`. */
  path: string;
  message: string;
}

export interface CceApiErrorDetails {
  /** Which API answered: CCE, or IAM (sign-in, agency). @default "CCE" */
  service?: "CCE" | "IAM";
  method: string;
  /** The request path (no query, no host); ids in it are not secret. */
  path: string;
  /** HTTP status; undefined when no response arrived (network error, timeout). */
  status?: number;
  /** The API error code, e.g. `CCE.01404001` or `APIGW.0301`. */
  apiCode?: string;
  /** The API's own message text, when it sent one. */
  apiMessage?: string;
  requestId?: string;
  /** How many attempts were made, retries included. */
  attempts?: number;
  /** Set when the response body failed validation. */
  issues?: ResponseIssue[];
  cause?: unknown;
}

/** The error every failed CCE API call throws. */
export class CceApiError extends CceKubeconfigError {
  override name = "CceApiError";
  override readonly code: string;
  readonly service: "CCE" | "IAM";
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly apiCode?: string;
  readonly apiMessage?: string;
  readonly requestId?: string;
  readonly attempts?: number;
  readonly issues?: ResponseIssue[];

  constructor(message: string, details: CceApiErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.service = details.service ?? "CCE";
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.apiCode = details.apiCode;
    this.apiMessage = details.apiMessage;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.issues = details.issues;
    this.code = details.issues
      ? "CCE_INVALID_RESPONSE"
      : details.status === undefined
        ? "CCE_NETWORK_ERROR"
        : "CCE_API_ERROR";
  }

  /** True when the API said the project or cluster does not exist (any 404). */
  get isNotFound(): boolean {
    return this.status === 404;
  }

  /**
   * True when CCE said the cluster (or its project) does not exist: 404 with `CCE.01404001`.
   * A 404 without that code (a wrong endpoint, a proxy) is not proof that the cluster is gone.
   */
  get isClusterGone(): boolean {
    return this.service === "CCE" && this.status === 404 && this.apiCode === API_ERROR_CODES.notFound;
  }
}

/** The `code`s a CceApiError can carry. */
const CCE_API_ERROR_CODES = new Set(["CCE_API_ERROR", "CCE_NETWORK_ERROR", "CCE_INVALID_RESPONSE"]);

/**
 * Whether `error` is a CceApiError, also one thrown by another copy of this package (two versions
 * in one node_modules tree, where `instanceof` fails): it checks `name` and `code`, as undici's
 * and ky's guards do.
 */
export function isCceApiError(error: unknown): error is CceApiError {
  if (error instanceof CceApiError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  return error.name === "CceApiError" && typeof code === "string" && CCE_API_ERROR_CODES.has(code);
}

/** No usable credentials were found; the message lists every name that was looked at. */
export class CredentialsError extends CceKubeconfigError {
  override name = "CredentialsError";
  override readonly code = "CCE_NO_CREDENTIALS";
}

/** A resource input or client option is invalid; `field` names it. */
export class InvalidInputError extends CceKubeconfigError {
  override name = "InvalidInputError";
  override readonly code = "CCE_INVALID_INPUT";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** The emulator was misused: an unknown cluster, a duplicate, a call after stop(). */
export class EmulatorError extends CceKubeconfigError {
  override name = "EmulatorError";
  override readonly code = "CCE_EMULATOR_ERROR";
}

/** A certificate or kubeconfig could not be read or rendered. */
export class KubeconfigError extends CceKubeconfigError {
  override name = "KubeconfigError";
  override readonly code = "CCE_KUBECONFIG_INVALID";
}

/**
 * The project id could not be looked up from the region: IAM lists no project of that name, or
 * several. The message names the name looked up, IAM's trace id and the setting to use instead.
 */
export class ProjectLookupError extends CceKubeconfigError {
  override name = "ProjectLookupError";
  override readonly code: "CCE_PROJECT_NOT_FOUND" | "CCE_PROJECT_AMBIGUOUS";
  constructor(
    message: string,
    /** The IAM project name looked up: the region, or the projectName setting. */
    readonly projectName: string,
    /** The ids IAM listed under that name (none, or several). */
    readonly projectIds: readonly string[],
    /** IAM's `X-IAM-Trace-Id` (else its request id), for a support ticket. */
    readonly traceId: string | undefined,
  ) {
    super(message);
    this.code = projectIds.length === 0 ? "CCE_PROJECT_NOT_FOUND" : "CCE_PROJECT_AMBIGUOUS";
  }
}

/** A KooCLI shared config file that was named could not be used; the message names the path and profile, never a value. */
export class SharedConfigError extends CceKubeconfigError {
  override name = "SharedConfigError";
  override readonly code = "CCE_SHARED_CONFIG_INVALID";
  constructor(
    message: string,
    readonly path: string,
    readonly profile?: string,
  ) {
    super(message);
  }
}

/**
 * The `cce-kubeconfig` command was called wrongly: an unknown subcommand or flag, a missing or bad
 * value. `flag` names it (`--cluster-id`); the command exits with status 2, as getopt tools do.
 */
export class UsageError extends CceKubeconfigError {
  override name = "UsageError";
  override readonly code = "CCE_USAGE";
  constructor(
    readonly flag: string | undefined,
    message: string,
  ) {
    super(flag === undefined ? message : `${flag}: ${message}`);
  }
}

/**
 * The certificate cache of `cce-kubeconfig credential` cannot be used safely: its folder belongs to
 * another user or cannot be created. The message names the path, never an entry's contents.
 */
export class CredentialCacheError extends CceKubeconfigError {
  override name = "CredentialCacheError";
  override readonly code = "CCE_CACHE_UNUSABLE";
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}
