/**
 * `signRequest`: composes the canonical forms into the headers of a signed request.
 */
import {
  canonicalRequest,
  computeSignature,
  formatSdkDate,
  payloadHash,
  sha256Hex,
  signedHeaderNames,
  SIGNING_ALGORITHM,
  stringToSignFromHash,
} from "./canonical";
import { headerValue } from "../http/headers";

/** An access key pair; `securityToken` is set for temporary credentials. */
export interface AkSkCredentials {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

export interface SignableRequest {
  method: string;
  url: string | URL;
  /** Headers to sign and send (Host, Content-Type, X-Project-Id, ...). All of them are signed. */
  headers: Readonly<Record<string, string>>;
  /** The exact body bytes that will be sent. */
  body?: string | Uint8Array;
}

export interface SignOptions {
  /** The signing time; default: now. Ignored when the request already carries `X-Sdk-Date`. */
  signingDate?: Date;
}

export interface SignedRequest {
  /** The request's headers plus `X-Sdk-Date`, `X-Security-Token` (if any) and `Authorization`. */
  headers: Record<string, string>;
  signature: string;
  signedHeaders: string[];
  /** Hex SHA-256 of the canonical request, as Huawei's guide prints it (for debugging). */
  canonicalRequestHash: string;
}

/**
 * Signs a request with SDK-HMAC-SHA256. Every header passed is signed; `X-Sdk-Date` is added
 * from `options.signingDate` when absent, and `X-Security-Token` for temporary credentials.
 * The returned headers are what to send; the path and query are sent unchanged.
 */
export function signRequest(
  request: SignableRequest,
  credentials: AkSkCredentials,
  options: SignOptions = {},
): SignedRequest {
  const url = typeof request.url === "string" ? new URL(request.url) : request.url;
  const headers: Record<string, string> = { ...request.headers };
  let sdkDate = headerValue(headers, "x-sdk-date");
  if (sdkDate === undefined) {
    sdkDate = formatSdkDate(options.signingDate ?? new Date());
    headers["X-Sdk-Date"] = sdkDate;
  }
  if (credentials.securityToken && headerValue(headers, "x-security-token") === undefined) {
    headers["X-Security-Token"] = credentials.securityToken;
  }
  const names = signedHeaderNames(headers);
  const canonical = canonicalRequest({
    method: request.method,
    path: url.pathname,
    query: url.search,
    headers,
    signedHeaders: names,
    payloadHash: headerValue(headers, "x-sdk-content-sha256") ?? payloadHash(request.body),
  });
  const canonicalRequestHash = sha256Hex(canonical);
  const signature = computeSignature(credentials.secretKey, stringToSignFromHash(sdkDate, canonicalRequestHash));
  headers["Authorization"] =
    `${SIGNING_ALGORITHM} Access=${credentials.accessKey}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return { headers, signature, signedHeaders: names, canonicalRequestHash };
}
