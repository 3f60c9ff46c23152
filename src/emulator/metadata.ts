/**
 * The ECS metadata service's credential calls, on the emulator's own origin (a test sets
 * HW_ECS_METADATA_URL to the emulator's URL): `PUT /meta-data/latest/api/token` (the token step
 * of the official SDKs) and `GET /openstack/latest/securitykey`, which answers temporary keys of
 * the instance's agency that the emulator's CCE then accepts until they expire. With the token
 * step "absent" the PUT answers 404, as on instances without it, and the GET needs no token.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import type { IamState } from "./iam";
import { sendJson } from "./responses";

export type MetadataCall = "token" | "securitykey" | "pod";

/** Where the emulator serves CCE pod identity: a test sets HC_CONTAINER_CREDENTIALS_FULL_URI to `{url}{POD_IDENTITY_PATH}`. */
export const POD_IDENTITY_PATH = "/pod-identity/v1/credentials";

export function metadataCall(path: string): MetadataCall | undefined {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "/meta-data/latest/api/token") return "token";
  if (trimmed === "/openstack/latest/securitykey") return "securitykey";
  if (trimmed === POD_IDENTITY_PATH) return "pod";
  return undefined;
}

export interface MetadataOptions {
  /** "required": the GET needs the token from the PUT; "absent": the PUT answers 404 and the GET needs none. @default "required" */
  tokenStep: "required" | "absent";
  /** Life of the instance's temporary keys, in ms. */
  lifetimeMs: number;
  /** The pod's token the pod identity endpoint accepts in `Authorization`. */
  podToken: () => string;
}

export class MetadataState {
  private readonly tokens = new Set<string>();
  private served = 0;

  constructor(
    private readonly iam: IamState,
    private readonly options: MetadataOptions,
  ) {}

  /** Temporary key pairs the securitykey call answered so far. */
  keyCount(): number {
    return this.served;
  }

  handle(call: MetadataCall, req: IncomingMessage, res: ServerResponse, requestId: string): number {
    if (call === "pod") {
      if (req.method !== "POST") return this.text(res, requestId, 405, "Method Not Allowed");
      if (req.headers.authorization !== this.options.podToken()) return this.text(res, requestId, 401, "Unauthorized");
      // The `credentials` spelling, the other one the Python SDK accepts.
      const { credential, expiresAt } = this.iam.issueTemporaryKeys("cce-pod-identity", this.options.lifetimeMs);
      this.served += 1;
      sendJson(res, requestId, 200, {
        credentials: { access: credential.accessKey, secret: credential.secretKey, securitytoken: credential.securityToken, expires_at: expiresAt.toISOString() },
      });
      return 200;
    }
    if (call === "token") {
      if (req.method !== "PUT" || this.options.tokenStep === "absent") return this.text(res, requestId, 404, "Not Found");
      const ttl = Number(req.headers["x-metadata-token-ttl-seconds"]);
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21_600) return this.text(res, requestId, 400, "X-Metadata-Token-Ttl-Seconds must be 1 to 21600");
      const token = randomBytes(32).toString("base64url");
      this.tokens.add(token);
      return this.text(res, requestId, 200, token);
    }
    if (req.method !== "GET") return this.text(res, requestId, 405, "Method Not Allowed");
    const token = req.headers["x-metadata-token"];
    if (this.options.tokenStep === "required" && (typeof token !== "string" || !this.tokens.has(token))) return this.text(res, requestId, 401, "Unauthorized");
    const { credential, expiresAt } = this.iam.issueTemporaryKeys("ecs-instance-agency", this.options.lifetimeMs);
    this.served += 1;
    sendJson(res, requestId, 200, {
      credential: { access: credential.accessKey, secret: credential.secretKey, securitytoken: credential.securityToken, expires_at: expiresAt.toISOString() },
    });
    return 200;
  }

  private text(res: ServerResponse, requestId: string, status: number, body: string): number {
    res.writeHead(status, { "Content-Type": "text/plain", "Content-Length": String(Buffer.byteLength(body)), "X-Request-Id": requestId });
    res.end(body);
    return status;
  }
}
