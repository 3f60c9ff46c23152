/**
 * Does the API server still accept a cached certificate? One authenticated `GET /api` (discovery:
 * every authenticated user may read it, and it changes nothing) with the certificate over TLS with
 * the cluster's CA.
 *
 * Why: client-go runs the plugin again after a 401, but the plugin cannot tell that run from any
 * other, so a certificate the server stopped accepting (revoked: CCE revokes all of a user's
 * certificates at once; minted for another cluster; the cache planted or copied) would be handed
 * out again and again. The caller probes a cached certificate not verified lately and mints a new
 * one when the answer is a refusal.
 */
import { request } from "node:https";

/** `rejected`: 401, or 403 to the anonymous user (the certificate was not taken). `unknown`: no answer that tells, or a server that cannot be verified (never asked). */
export type ProbeVerdict = "accepted" | "rejected" | "unknown";

export interface ProbeTarget {
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify: boolean;
  certificatePem: string;
  keyPem: string;
}

/** A probe's bound: an API server that answers slower is "unknown" and the certificate is served. @default 5_000 (ms) */
export const PROBE_TIMEOUT_MS = 5_000;

/**
 * TLS alerts by which a server that checks client certificates in the handshake refuses ours
 * (kube-apiserver checks them later and answers 401, but a proxy in front may not).
 */
const REFUSED_IN_HANDSHAKE = /ALERT_(BAD_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|CERTIFICATE_UNKNOWN|UNKNOWN_CA|CERTIFICATE_REQUIRED)/;

export function probeCertificate(target: ProbeTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeVerdict> {
  // Never to a server whose certificate is not verified (issue 21, item 8): the client key would
  // prove itself to whoever answers. kubectl will find out about the certificate itself.
  if (target.insecureSkipTlsVerify) return Promise.resolve("unknown");
  let url: URL;
  try {
    url = new URL(target.server);
  } catch {
    return Promise.resolve("unknown");
  }
  if (url.protocol !== "https:") return Promise.resolve("unknown");
  const path = `${url.pathname.replace(/\/+$/, "")}/api`;
  return new Promise<ProbeVerdict>((resolve) => {
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port === "" ? 443 : Number(url.port),
        path,
        method: "GET",
        headers: { accept: "application/json" },
        cert: target.certificatePem,
        key: target.keyPem,
        ...(target.certificateAuthorityData !== undefined ? { ca: Buffer.from(target.certificateAuthorityData, "base64").toString("utf8") } : {}),
        rejectUnauthorized: true,
        // A connection of its own: the key is not left in a pool for another request.
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          // Enough to read a Status object's message; the rest is never needed.
          if (body.length < 4096) body += chunk;
        });
        res.on("end", () => resolve(verdictOf(status, body)));
        res.on("error", () => resolve("unknown"));
      },
    );
    req.on("timeout", () => req.destroy(new Error("probe timed out")));
    req.on("error", (error: NodeJS.ErrnoException) => resolve(REFUSED_IN_HANDSHAKE.test(error.code ?? "") ? "rejected" : "unknown"));
    req.end();
  });
}

/** What an answer says about the certificate. */
export function verdictOf(status: number, body: string): ProbeVerdict {
  if (status >= 200 && status < 300) return "accepted";
  if (status === 401) return "rejected";
  // Authenticated but not allowed is an accepted certificate; forbidden as anonymous means it was not used.
  if (status === 403) return /system:anonymous/.test(body) ? "rejected" : "accepted";
  return "unknown";
}
