/**
 * The shapes of what CCE answers, checked with shape.ts. Entries keep every field the API sent,
 * so the kubeconfig repeats them exactly: dropping `insecure-skip-tls-verify` from the external
 * cluster breaks kubectl (opentelekomcloud provider issue #2779).
 */
import type { ResponseIssue } from "../errors";
import { array, boolean, issue, object, optional, refine, string, stringOrNumber, type Path, type Shape } from "./shape";
import type { ClusterCertResponse, ClusterShowResponse } from "./types";

const PEM_BLOCK = /^-----BEGIN [A-Z0-9 ]+-----\r?\n[\s\S]+?\r?\n-----END [A-Z0-9 ]+-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /\s+/g;
const TAB_OR_NEWLINE = /[\t\n\r]/g;

/** Base64 of PEM text, as in every kubeconfig's `*-data` fields. */
export const pemData: Shape<string> = (value, path, issues) => {
  if (typeof value !== "string") return anyString(value, path, issues);
  if (value.length === 0) issue(issues, path, "is empty");
  const compact = value.replace(WHITESPACE, "");
  if (!BASE64.test(compact) || compact.length % 4 !== 0) issue(issues, path, "is not base64");
  if (!PEM_BLOCK.test(Buffer.from(value, "base64").toString("utf8"))) issue(issues, path, "is not base64 of a PEM block");
  return value;
};

/**
 * An absolute URL, kept trimmed and without tabs or newlines (which the URL parser would delete
 * before it parses, so the host checked would not be the host written).
 */
const url: Shape<string> = (value, path, issues) => {
  if (typeof value !== "string") return anyString(value, path, issues);
  const trimmed = value.trim();
  if (!URL.canParse(trimmed)) {
    issue(issues, path, "is not a URL");
    return value;
  }
  return trimmed.replace(TAB_OR_NEWLINE, "");
};

const anyString = string();
const name = string([(s) => s.length >= 1, "is empty"]);

export const kubeCluster = object({
  server: url,
  "certificate-authority-data": optional(pemData),
  "insecure-skip-tls-verify": optional(boolean),
});

/** Every context names a cluster and a user of the same answer. */
function contextsResolve(config: ClusterCertResponse, _path: Path, issues: ResponseIssue[]): void {
  const clusters = new Set(config.clusters.map((c) => c.name));
  const users = new Set(config.users.map((u) => u.name));
  config.contexts.forEach((c, i) => {
    if (!clusters.has(c.context.cluster)) issue(issues, ["contexts", i, "context", "cluster"], "names no cluster of the response");
    if (!users.has(c.context.user)) issue(issues, ["contexts", i, "context", "user"], "names no user of the response");
  });
}

/** The Kubernetes v1.Config JSON that both clustercert calls answer. */
export const clusterCertResponse: Shape<ClusterCertResponse> = refine(
  object({
    kind: optional(string()),
    apiVersion: optional(string()),
    clusters: array(object({ name, cluster: kubeCluster }), 1),
    users: array(object({ name, user: object({ "client-certificate-data": pemData, "client-key-data": pemData }) }), 1),
    contexts: array(object({ name, context: object({ cluster: string(), user: string() }) }), 1),
    "current-context": optional(string()),
  }),
  contextsResolve,
);

/** `GET .../clusters/{id}`: only what the provider reads. */
export const clusterShowResponse: Shape<ClusterShowResponse> = object({
  metadata: optional(object({ uid: optional(string()), name: optional(string()) })),
  status: optional(
    object({
      phase: optional(string()),
      /** `{url, type}`; an EIP-bound cluster lists a `type: "External"` entry. */
      endpoints: optional(array(object({ url: optional(string()), type: optional(string()) }))),
    }),
  ),
});

/** IAM's nested error, when it is one; another API's `error` (a string, say) is ignored. */
const iamError: Shape<{ message?: string } | undefined> = (value, path, issues) => {
  const found: ResponseIssue[] = [];
  const checked = optional(object({ message: optional(string()) }))(value, path, found);
  void issues;
  return found.length === 0 ? checked : undefined;
};

/**
 * The three error body shapes that reach a CCE client (docs/cce-api.md, "Errors"), and IAM's
 * nested `{"error": {"code": 401, "message", "title"}}`.
 */
export const errorBody = object({
  error: iamError,
  errorCode: optional(string()),
  errorMessage: optional(string()),
  error_code: optional(string()),
  error_msg: optional(string()),
  code: optional(stringOrNumber),
  message: optional(string()),
  request_id: optional(string()),
});
