/**
 * `CceClient`: a plain client of the CCE clustercert API, usable without Pulumi. It composes one
 * call with retries (call.ts), the response schemas (schemas.ts) and the credentials of each call,
 * which an IAM session (credentials/session.ts) may renew once when CCE refuses them.
 */
import { CCE_ID_PATTERN, CLUSTER_KINDS, type ClusterKind } from "../constants";
import { InvalidInputError, isCceApiError } from "../errors";
import type { CceCredentials } from "../credentials/types";
import { checkEndpoint } from "../config/endpoint";
import { callWithRetries, failFor, type CallContext } from "./call";
import { parseBody } from "./parse-body";
import { RETRY_DEFAULTS, type RetryOptions } from "./retry";
import { clusterCertResponse, clusterShowResponse } from "./schemas";
import type { Shape } from "./shape";
import type { HttpDispatcher } from "./transport";
import type { ClusterCertResponse, ClusterShowResponse } from "./types";

export { MAX_CONNECTIONS_PER_ORIGIN, MAX_RESPONSE_BYTES, type HttpDispatcher } from "./transport";
export type { ClusterKind } from "../constants";

/**
 * Credentials that can be renewed: IAM issued them (a signed-in token, an agency's temporary
 * keys), so when CCE answers 401 the client asks once for new ones and retries once.
 */
export interface CredentialSource {
  /** Credentials for the next call. */
  current(): Promise<CceCredentials>;
  /** `rejected` got a 401: new credentials, or undefined when they are not renewable (a fixed key pair). */
  renew(rejected: CceCredentials): Promise<CceCredentials | undefined>;
}

export interface CceClientOptions {
  /** CCE base URL, e.g. `https://cce.ap-southeast-1.myhuaweicloud.com`; `http:` only for loopback. */
  endpoint: string;
  /** The 32-character project id; never looked up (the official SDK creates a project when none matches). */
  projectId: string;
  /** Credentials, a function that resolves them at call time, or a renewable source. */
  credentials: CceCredentials | (() => CceCredentials | Promise<CceCredentials>) | CredentialSource;
  /** Which family of cluster APIs to call. @default "cce" */
  clusterKind?: ClusterKind;
  /**
   * Bound of one attempt, headers and body, from when it is written to a connection (time spent
   * waiting for one of the shared agent's connections does not count; the call's totalBudgetMs
   * bounds that). @default 30_000 (ms)
   */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** An undici 7 dispatcher; default: a shared agent that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  dispatcher?: HttpDispatcher;
  /** The clock: signing time, `Retry-After` dates and the call's time budget. @default () => new Date() */
  clock?: () => Date;
  /** Waits between attempts. @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** The jitter of backoff waits, a number in [0, 1). @default Math.random */
  random?: () => number;
}

/** Either `duration` (days, -1 for the maximum) or `expireAt`; the API lets `expire_at` win. Autopilot takes `duration` only. */
export interface CertificateRequest {
  duration?: number;
  expireAt?: Date;
}

export interface IssuedClusterCertificate {
  config: ClusterCertResponse;
  requestId?: string;
}

/**
 * Whose certificates a revoke ends: exactly one of an IAM user id or an agency id (CCE's
 * `clustercertrevoke` body). The id is the subject CN of that identity's certificates.
 */
export type RevocationTarget = { userId: string; agencyId?: never } | { agencyId: string; userId?: never };

export interface CertificateRevocationResult {
  requestId?: string;
}

/** @default per-attempt bound of timeoutMs */
const DEFAULT_TIMEOUT_MS = 30_000;

/** The API root of each family (docs/cce-api.md, "Autopilot clusters"). */
const API_ROOT: Readonly<Record<ClusterKind, string>> = { cce: "/api/v3", autopilot: "/autopilot/v3" };

function checkId(field: string, value: string): string {
  if (!CCE_ID_PATTERN.test(value)) {
    throw new InvalidInputError(field, "must be 1 to 128 letters, digits, '-' or '_' (a CCE cluster id is a UUID)");
  }
  return value;
}

/** The CCE API's date format for `expire_at`: `2025-01-01 16:00:00 +0000 UTC`. */
export function formatExpireAt(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const realClock = () => new Date();

/** The time, waits and pool of calls made with `options`: the client's, and an IAM session's beside it. */
export function callContext(options: Pick<CceClientOptions, "retry" | "timeoutMs" | "clock" | "sleep" | "random" | "dispatcher">): CallContext {
  return {
    retry: { ...RETRY_DEFAULTS, ...stripUndefined(options.retry ?? {}) },
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    clock: options.clock ?? realClock,
    sleep: options.sleep ?? realSleep,
    random: options.random,
    dispatcher: options.dispatcher,
  };
}

function isSource(credentials: CceClientOptions["credentials"]): credentials is CredentialSource {
  return typeof credentials === "object" && typeof (credentials as Partial<CredentialSource>).current === "function";
}

export class CceClient {
  readonly endpoint: string;
  readonly projectId: string;
  readonly clusterKind: ClusterKind;
  private readonly options: CceClientOptions;

  constructor(options: CceClientOptions) {
    const endpoint = checkEndpoint(options.endpoint);
    if (!endpoint.ok) throw new InvalidInputError(endpoint.failures[0]!.property, endpoint.failures[0]!.reason);
    this.endpoint = endpoint.value;
    this.projectId = checkId("projectId", options.projectId);
    const kind = options.clusterKind ?? "cce";
    if (!CLUSTER_KINDS.includes(kind)) throw new InvalidInputError("clusterKind", `must be one of ${CLUSTER_KINDS.join(", ")}`);
    this.clusterKind = kind;
    this.options = options;
  }

  /** `POST .../clustercert`: mints a new client certificate. Autopilot takes `duration` only. */
  async createClusterCertificate(clusterId: string, req: CertificateRequest): Promise<IssuedClusterCertificate> {
    if (this.clusterKind === "autopilot" && req.expireAt !== undefined) {
      throw new InvalidInputError("expireAt", "Autopilot clusters take a duration only (their clustercert call documents no expire_at)");
    }
    const body: Record<string, unknown> = {};
    if (req.duration !== undefined) body["duration"] = req.duration;
    if (req.expireAt !== undefined) body["expire_at"] = formatExpireAt(req.expireAt);
    return this.call("POST", `${this.clusterPath(clusterId)}/clustercert`, JSON.stringify(body), clusterCertResponse);
  }

  /** The discarded `GET .../clustercert`, for clouds that still serve only it. It mints too. CCE clusters only. */
  async getClusterCertificateLegacy(clusterId: string): Promise<IssuedClusterCertificate> {
    if (this.clusterKind === "autopilot") {
      throw new InvalidInputError("useLegacyGet", "Autopilot clusters have no GET clustercert call; use the POST (remove useLegacyGet)");
    }
    return this.call("GET", `${this.clusterPath(clusterId)}/clustercert`, undefined, clusterCertResponse);
  }

  /**
   * `POST .../clustercertrevoke`: ends every certificate of that user or agency on the cluster,
   * whoever holds it (CCE cannot revoke one certificate). Idempotent, so retried like a read.
   * Autopilot documents no revoke call.
   */
  async revokeCertificates(clusterId: string, target: RevocationTarget): Promise<CertificateRevocationResult> {
    if (this.clusterKind === "autopilot") {
      throw new InvalidInputError("clusterKind", "Autopilot clusters document no clustercertrevoke call; revoke from the CCE console");
    }
    const body = JSON.stringify(revocationBody(target));
    const { requestId } = await this.call("POST", `${this.clusterPath(clusterId)}/clustercertrevoke`, body, undefined);
    return requestId === undefined ? {} : { requestId };
  }

  /** `GET .../clusters/{id}`: shows a cluster without minting anything; `kind` asks the other family. */
  async getCluster(clusterId: string, kind: ClusterKind = this.clusterKind): Promise<ClusterShowResponse> {
    return (await this.call("GET", this.clusterPath(clusterId, kind), undefined, clusterShowResponse)).config;
  }

  private clusterPath(clusterId: string, kind: ClusterKind = this.clusterKind): string {
    return `${API_ROOT[kind]}/projects/${this.projectId}/clusters/${checkId("clusterId", clusterId)}`;
  }

  private context(): CallContext {
    return callContext(this.options);
  }

  /**
   * One call with retries. When CCE answers 401 to credentials IAM issued, the source renews them
   * once and the call is made once more: never a loop, so a password that stopped working fails.
   * Without a schema the 2xx body is not read (the revoke answers an empty one).
   */
  private async call<T>(method: string, path: string, body: string | undefined, schema: Shape<T>): Promise<{ config: T; requestId?: string }>;
  private async call(method: string, path: string, body: string | undefined, schema: undefined): Promise<{ requestId?: string }>;
  private async call<T>(
    method: string,
    path: string,
    body: string | undefined,
    schema: Shape<T> | undefined,
  ): Promise<{ config?: T; requestId?: string }> {
    const source = this.options.credentials;
    // Resolved once, outside the retry loop: missing credentials are not a transient failure.
    const credentials = isSource(source) ? await source.current() : typeof source === "function" ? await source() : source;
    const send = async (with_: CceCredentials) => {
      const request = { service: "CCE" as const, method, url: new URL(`${this.endpoint}${path}`), body, projectId: this.projectId, credentials: with_ };
      const { result, attempts } = await callWithRetries(request, this.context());
      if (schema === undefined) return { requestId: result.requestId };
      return { config: parseBody(result, schema, failFor(request), attempts), requestId: result.requestId };
    };
    try {
      return await send(credentials);
    } catch (error) {
      if (!isSource(source) || !isCceApiError(error) || error.status !== 401) throw error;
      const renewed = await source.renew(credentials);
      if (renewed === undefined) throw error;
      return send(renewed);
    }
  }
}

/** `{"userId": ...}` or `{"agencyId": ...}`: exactly one, each an id that cannot bend the JSON or the path. */
export function revocationBody(target: RevocationTarget): { userId: string } | { agencyId: string } {
  const given = (["userId", "agencyId"] as const).filter((field) => (target as Record<string, unknown>)[field] !== undefined);
  if (given.length !== 1) throw new InvalidInputError("userId", "give exactly one of userId or agencyId");
  const field = given[0]!;
  const value = (target as Record<string, unknown>)[field];
  if (typeof value !== "string" || !CCE_ID_PATTERN.test(value)) {
    throw new InvalidInputError(field, "must be 1 to 128 letters, digits, '-' or '_' (an IAM user or agency id is 32 hex characters)");
  }
  return field === "userId" ? { userId: value } : { agencyId: value };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
