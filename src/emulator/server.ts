/**
 * The CCE API server's request handling: faults first, then the IAM calls (iam.ts, and the ID
 * token exchange of federation.ts), then
 * authentication, then routing to the cluster, clustercert and clustercertrevoke calls of each
 * cluster family (`/api/v3` for CCE, `/autopilot/v3` for Autopilot).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_ERROR_CODES, DAY_MS } from "../constants";
import { safeDecode } from "../signing/canonical";
import { authenticate } from "./auth";
import type { AuthContext } from "./auth";
import { buildKubeconfig, parseValidity } from "./clustercert";
import { applyFault } from "./faults";
import type { FaultQueue } from "./faults";
import { isIdTokenCall, type IdTokenExchange } from "./federation";
import { iamCall, type IamState } from "./iam";
import { metadataCall, type MetadataState } from "./metadata";
import type { ClusterRecord, Registry } from "./registry";
import { badRequest, forbidden, newRequestId, notFound, payloadTooLarge, sendJson, unauthorized } from "./responses";
import type { RecordedRequest } from "./types";

/** CCE request bodies are a few bytes; anything this large is a client bug. */
export const MAX_BODY_BYTES = 1024 * 1024;

interface Route {
  /** Which family's API the path belongs to. */
  family: "cce" | "autopilot";
  projectId: string;
  clusterId: string;
  resource: "clustercert" | "clustercertrevoke" | undefined;
}

const FAMILY_ROOTS: Readonly<Record<string, Route["family"]>> = { api: "cce", autopilot: "autopilot" };

/**
 * Matches `/{api|autopilot}/v3/projects/{project_id}/clusters/{cluster_id}[/clustercert|/clustercertrevoke]`
 * segment by segment, each percent-decoded (the signature covers the path as sent).
 */
export function parseRoute(rawPath: string): Route | undefined {
  const segments = rawPath.split("/").map(safeDecode);
  if (segments.length > 7 && segments.at(-1) === "") segments.pop();
  const [root, api, v3, projects, projectId, clusters, clusterId, resource, ...rest] = segments;
  const family = api === undefined ? undefined : FAMILY_ROOTS[api];
  if (root !== "" || family === undefined || v3 !== "v3" || projects !== "projects" || clusters !== "clusters") return undefined;
  if (!projectId || !clusterId || rest.length > 0) return undefined;
  if (resource !== undefined && resource !== "clustercert" && resource !== "clustercertrevoke") return undefined;
  return { family, projectId, clusterId, resource };
}

export interface HandlerContext {
  registry: Registry;
  faults: FaultQueue;
  auth: AuthContext;
  iam: IamState;
  federation: IdTokenExchange;
  metadata: MetadataState;
  legacyGetValidityDays: number;
  serveLegacyGet: boolean;
  record: (entry: RecordedRequest) => void;
  /** How far back (ms) certificates are stamped: see Emulator.backdateCertificates. */
  certificateBackdateMs: () => number;
  /** Aborted when the emulator stops, ending pending fault delays. */
  signal: AbortSignal;
}

type Caller = { kind: "aksk" | "token"; userId: string; admin: boolean };

/** Reads the whole body, or undefined when it exceeds MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function externalServer(cluster: ClusterRecord): string | undefined {
  return cluster.eip ? `https://localhost:${cluster.apiServer.port}` : undefined;
}

function showCluster(cluster: ClusterRecord): object {
  const endpoints = [{ url: cluster.apiServer.url, type: "Internal" }];
  const external = externalServer(cluster);
  if (external !== undefined) endpoints.push({ url: external, type: "External" });
  // The spec is representative only: the client reads metadata and status.
  const spec =
    cluster.kind === "autopilot"
      ? { type: "VirtualMachine", flavor: "cce.autopilot.cluster", version: "v1.31" }
      : { category: "CCE", type: "VirtualMachine", flavor: "cce.s1.small", version: "v1.31" };
  return {
    kind: "Cluster",
    apiVersion: "v3",
    metadata: { uid: cluster.id, name: cluster.name, creationTimestamp: cluster.createdAt.toISOString() },
    spec,
    status: { phase: "Available", endpoints },
  };
}

async function mintKubeconfig(
  context: HandlerContext,
  cluster: ClusterRecord,
  caller: Caller,
  now: Date,
  notAfter: Date,
): Promise<object> {
  const minted = await context.registry.mint(cluster, caller, now, notAfter);
  return buildKubeconfig({
    internalServer: cluster.apiServer.url,
    externalServer: externalServer(cluster),
    caPem: cluster.authority.ca.certificatePem,
    certificatePem: minted.certificatePem,
    privateKeyPem: minted.privateKeyPem,
  });
}

function hasExpireAt(body: Buffer): boolean {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null && (parsed as Record<string, unknown>)["expire_at"] != null;
  } catch {
    return false;
  }
}

/** `{"userId"}` or `{"agencyId"}`, exactly one non-empty string; undefined otherwise. */
function revocationTarget(body: Buffer): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  const fields = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const ids = [fields["userId"], fields["agencyId"]].filter((id) => id !== undefined && id !== null);
  return ids.length === 1 && typeof ids[0] === "string" && ids[0] !== "" ? ids[0] : undefined;
}

/**
 * `clustercertrevoke`: every certificate of the user or agency named (ids share one space: both
 * are the CN of the certificates). An administrator may name anyone, a plain IAM user only itself.
 */
async function revokeCall(context: HandlerContext, res: ServerResponse, requestId: string, body: Buffer, cluster: ClusterRecord, caller: Caller): Promise<number> {
  const target = revocationTarget(body);
  if (target === undefined) {
    badRequest(res, requestId, "send exactly one of userId or agencyId, a non-empty string");
    return 400;
  }
  if (target !== caller.userId && !caller.admin) {
    forbidden(res, requestId, "an IAM user may revoke only its own certificates; revoking another identity's needs an administrator");
    return 403;
  }
  await context.registry.revoke(cluster.id, target);
  sendJson(res, requestId, 200, undefined);
  return 200;
}

/** Answers an authenticated request for a live cluster; returns the status sent. */
async function dispatch(
  context: HandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  body: Buffer,
  cluster: ClusterRecord,
  resource: string | undefined,
  caller: Caller,
): Promise<number> {
  const method = req.method ?? "GET";
  const now = context.auth.now();
  if (resource === undefined && method === "GET") {
    sendJson(res, requestId, 200, showCluster(cluster));
    return 200;
  }
  const backdate = context.certificateBackdateMs();
  const issuedAt = new Date(now.getTime() - backdate);
  if (resource === "clustercert" && method === "POST") {
    if (cluster.kind === "autopilot" && hasExpireAt(body)) {
      // Autopilot's clustercert documents `duration` only.
      badRequest(res, requestId, "expire_at is not supported by Autopilot clusters; send duration");
      return 400;
    }
    const validity = parseValidity(body, now);
    if (!validity.ok) {
      badRequest(res, requestId, validity.message);
      return 400;
    }
    const notAfter = new Date(validity.notAfter.getTime() - backdate);
    const config = await mintKubeconfig(context, cluster, caller, issuedAt, notAfter);
    sendJson(res, requestId, 200, config, { "Port-ID": cluster.portId });
    return 200;
  }
  if (resource === "clustercert" && method === "GET" && context.serveLegacyGet && cluster.kind === "cce") {
    const notAfter = new Date(issuedAt.getTime() + context.legacyGetValidityDays * DAY_MS);
    sendJson(res, requestId, 200, await mintKubeconfig(context, cluster, caller, issuedAt, notAfter));
    return 200;
  }
  // Autopilot documents no revoke call: it answers 404 like any unknown API.
  if (resource === "clustercertrevoke" && method === "POST" && cluster.kind === "cce") {
    return revokeCall(context, res, requestId, body, cluster, caller);
  }
  notFound(res, requestId, `the API ${method} ${req.url?.split("?")[0] ?? ""} does not exist`);
  return 404;
}

/** One request being answered: what every step of the answer reads. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  method: string;
  /** The URL as sent, query included: the signature covers it. */
  rawUrl: string;
  path: string;
}

/** The metadata, ID token exchange and IAM calls, which CCE's authentication does not cover; undefined for any other path. */
function answerServiceCall(context: HandlerContext, x: Exchange, body: Buffer, entry: RecordedRequest): number | undefined {
  const metadata = metadataCall(x.path);
  if (metadata !== undefined) return context.metadata.handle(metadata, x.req, x.res, x.requestId);
  // The ID token is the credential: the exchange itself is unauthenticated, so auth stays "none".
  if (isIdTokenCall(x.path)) return context.federation.handle(x.req, x.res, x.requestId, body);
  const iam = iamCall(x.path);
  if (iam === undefined) return undefined;
  const answered = context.iam.handle(iam, x.req, x.res, x.requestId, body, context.auth);
  entry.auth = answered.auth;
  return answered.status;
}

/** Why the caller may not act in the path's project (credentials scoped to another one); undefined when it may. */
function scopeRefusal(req: IncomingMessage, route: Route, tokenProjectId: string | undefined): string | undefined {
  const scope = req.headers["x-project-id"];
  if (typeof scope === "string" && scope !== route.projectId) return `X-Project-Id does not match project ${route.projectId} of the path`;
  if (tokenProjectId !== undefined && tokenProjectId !== route.projectId) return `the token is scoped to another project than ${route.projectId}`;
  return undefined;
}

/** A call on a cluster's path: authenticated, in the caller's project, for a live cluster of the path's family. */
async function answerClusterCall(context: HandlerContext, x: Exchange, body: Buffer, route: Route, entry: RecordedRequest): Promise<number> {
  const auth = authenticate({ method: x.method, rawUrl: x.rawUrl, headers: x.req.headers, body }, context.auth);
  if (!auth.ok) {
    unauthorized(x.res, x.requestId, auth.reason);
    return 401;
  }
  entry.auth = auth.kind;
  const refused = scopeRefusal(x.req, route, auth.projectId);
  if (refused !== undefined) {
    forbidden(x.res, x.requestId, refused);
    return 403;
  }
  auth.use?.();
  if (!context.registry.hasProject(route.projectId)) {
    notFound(x.res, x.requestId, `project ${route.projectId} not found`);
    return 404;
  }
  const found = context.registry.find(route.projectId, route.clusterId);
  // A cluster of the other family does not exist on this path, as on CCE.
  const cluster = found?.kind === route.family ? found : undefined;
  if (cluster === undefined) {
    notFound(x.res, x.requestId, `cluster ${route.clusterId} not found`);
    return 404;
  }
  return dispatch(context, x.req, x.res, x.requestId, body, cluster, route.resource, auth);
}

/** Answers the request and returns the status sent; marks a fault and the authentication used on `entry`. */
async function answer(context: HandlerContext, x: Exchange, route: Route | undefined, entry: RecordedRequest): Promise<number> {
  const body = await readBody(x.req);
  if (body === undefined) {
    payloadTooLarge(x.res, x.requestId, MAX_BODY_BYTES);
    return 413;
  }
  const fault = context.faults.take(x.method, x.path);
  if (fault !== undefined) {
    entry.fault = true;
    const outcome = await applyFault(fault, x.req, x.res, x.requestId, context.signal);
    if (outcome.answered) return outcome.status;
  }
  const service = answerServiceCall(context, x, body, entry);
  if (service !== undefined) return service;
  if (route === undefined) {
    notFound(x.res, x.requestId, `the API ${x.method} ${x.path} does not exist`);
    return 404;
  }
  return answerClusterCall(context, x, body, route, entry);
}

/** Handles one request of the CCE API server, and records it whatever happens. */
export async function handleRequest(context: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const method = req.method ?? "GET";
  const rawUrl = req.url ?? "/";
  const path = rawUrl.split("?")[0]!;
  const route = parseRoute(path);
  const entry: RecordedRequest = { method, path, status: 0, projectId: route?.projectId, clusterId: route?.clusterId, auth: "none", fault: false, at: context.auth.now() };
  try {
    entry.status = await answer(context, { req, res, requestId, method, rawUrl, path }, route, entry);
  } catch {
    if (!res.headersSent && !res.destroyed) {
      sendJson(res, requestId, 500, { errorCode: API_ERROR_CODES.internal, errorMessage: "internal error in the CCE emulator" });
      entry.status = 500;
    } else {
      res.destroy();
    }
  } finally {
    context.record(entry);
  }
}
