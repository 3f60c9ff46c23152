/**
 * zod schemas of what CCE answers. Entries keep every field the API sent (`looseObject`), so the
 * kubeconfig repeats them exactly: dropping `insecure-skip-tls-verify` from the external cluster
 * breaks kubectl (opentelekomcloud provider issue #2779).
 */
import { z } from "zod";
import type { ResponseIssue } from "../errors";
import type { ClusterCertResponse, ClusterShowResponse } from "./types";

const PEM_BLOCK = /^-----BEGIN [A-Z0-9 ]+-----\r?\n[\s\S]+?\r?\n-----END [A-Z0-9 ]+-----\s*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 of PEM text, as in every kubeconfig's `*-data` fields. */
export const pemData = z
  .string()
  .min(1, "is empty")
  .refine((v) => BASE64.test(v.replace(/\s+/g, "")) && v.replace(/\s+/g, "").length % 4 === 0, "is not base64")
  .refine((v) => PEM_BLOCK.test(Buffer.from(v, "base64").toString("utf8")), "is not base64 of a PEM block");

export const kubeCluster = z.looseObject({
  server: z.string().url("is not a URL"),
  "certificate-authority-data": pemData.optional(),
  "insecure-skip-tls-verify": z.boolean().optional(),
});

export const clusterCertResponse = z
  .looseObject({
    kind: z.string().optional(),
    apiVersion: z.string().optional(),
    clusters: z.array(z.looseObject({ name: z.string().min(1), cluster: kubeCluster })).min(1, "is empty"),
    users: z
      .array(
        z.looseObject({
          name: z.string().min(1),
          user: z.looseObject({ "client-certificate-data": pemData, "client-key-data": pemData }),
        }),
      )
      .min(1, "is empty"),
    contexts: z
      .array(z.looseObject({ name: z.string().min(1), context: z.looseObject({ cluster: z.string(), user: z.string() }) }))
      .min(1, "is empty"),
    "current-context": z.string().optional(),
  })
  .superRefine((config, ctx) => {
    const clusters = new Set(config.clusters.map((c) => c.name));
    const users = new Set(config.users.map((u) => u.name));
    config.contexts.forEach((c, i) => {
      if (!clusters.has(c.context.cluster)) {
        ctx.addIssue({ code: "custom", path: ["contexts", i, "context", "cluster"], message: "names no cluster of the response" });
      }
      if (!users.has(c.context.user)) {
        ctx.addIssue({ code: "custom", path: ["contexts", i, "context", "user"], message: "names no user of the response" });
      }
    });
  });


/** `GET .../clusters/{id}`: only what the provider reads. */
export const clusterShowResponse = z.looseObject({
  metadata: z.looseObject({ uid: z.string().optional(), name: z.string().optional() }).optional(),
  status: z
    .looseObject({
      phase: z.string().optional(),
      /** `{url, type}`; an EIP-bound cluster lists a `type: "External"` entry. */
      endpoints: z.array(z.looseObject({ url: z.string().optional(), type: z.string().optional() })).optional(),
    })
    .optional(),
});

/**
 * The three error body shapes that reach a CCE client (docs/cce-api.md, "Errors"), and IAM's
 * nested `{"error": {"code": 401, "message", "title"}}`.
 */
export const errorBody = z.looseObject({
  // Another API's `error` (a string, say) must not hide the fields of the shapes above.
  error: z.looseObject({ message: z.string().optional() }).optional().catch(undefined),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  error_code: z.string().optional(),
  error_msg: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});

/** True only when A and B are assignable both ways. */
type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time proof that each schema yields its public interface of types.ts (assignable both ways).
const clusterCertShape: SameShape<z.infer<typeof clusterCertResponse>, ClusterCertResponse> = true;
const clusterShowShape: SameShape<z.infer<typeof clusterShowResponse>, ClusterShowResponse> = true;
void clusterCertShape;
void clusterShowShape;

/** zod issues as `{path, message}`, the path dotted, e.g. `users.0.user.client-key-data`. */
export function toResponseIssues(error: z.ZodError): ResponseIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(body)",
    message: issue.message,
  }));
}
