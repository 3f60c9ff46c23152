/**
 * Authentication as the API gateway does it: an IAM token in `X-Auth-Token`, or an
 * SDK-HMAC-SHA256 signature recomputed from the request as received, with the signer's own
 * canonical functions (so the emulator and the client cannot drift apart).
 */
import type { IncomingHttpHeaders } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import {
  canonicalRequest,
  computeSignature,
  parseAuthorization,
  parseSdkDate,
  payloadHash,
  stringToSign,
} from "../signing/canonical";
import { MAX_CLOCK_SKEW_MS } from "../constants";
import { headerValue } from "../http/headers";
import type { EmulatorCredential } from "./types";

/** An issued credential that authenticated a request: its caller, and a use to count if CCE accepts it. */
export interface IssuedMatch {
  userId: string;
  /** An IAM user marked `admin` (EmulatorUser.admin); agencies and federated callers are not. */
  admin: boolean;
  projectId?: string;
  use(): void;
}

/** What IAM answers for an issued token or key: the match, why it no longer works, or undefined when it never issued it. */
export type IssuedLookup<T> = ({ ok: true } & IssuedMatch & T) | { ok: false; reason: string } | undefined;

export interface AuthInput {
  method: string;
  /** The request target as received: raw path and query. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Tokens and temporary keys the emulator's IAM issued (iam.ts), accepted beside the fixed ones. */
export interface IssuedCredentials {
  token(token: string): IssuedLookup<object>;
  key(accessKey: string): IssuedLookup<{ credential: EmulatorCredential }>;
}

export interface AuthContext {
  credentials: readonly EmulatorCredential[];
  tokens: readonly string[];
  issued?: IssuedCredentials;
  now: () => Date;
}

export type AuthResult =
  | {
      ok: true;
      kind: "aksk" | "token";
      /** A stable IAM-like user id (32 hex) for the caller. */
      userId: string;
      /**
       * Whether the caller may revoke other identities' certificates: the emulator's fixed
       * credentials and tokens unless marked `admin: false`, and IAM users marked `admin: true`.
       */
      admin: boolean;
      /** The project an issued token is scoped to. */
      projectId?: string;
      /** Counts a use of an issued credential (Emulator.expireTokens); absent for fixed ones. */
      use?: () => void;
    }
  | { ok: false; /** Why, for the error message; never holds keys, tokens or signatures. */ reason: string };

/** Compares two secrets in constant time (hashing first evens out their lengths). */
export function secretEquals(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

function userIdOf(kind: string, identity: string): string {
  return createHash("sha256").update(`${kind}:${identity}`, "utf8").digest("hex").slice(0, 32);
}

function verifyToken(token: string, context: AuthContext): AuthResult {
  // Check every token so the time taken does not reveal which one nearly matched.
  const match = context.tokens.reduce((found, candidate) => secretEquals(candidate, token) || found, false);
  if (match) return { ok: true, kind: "token", userId: userIdOf("token", token), admin: true };
  const issued = context.issued?.token(token);
  if (issued?.ok !== true) return { ok: false, reason: "the X-Auth-Token is invalid or expired" };
  const result: AuthResult = { ok: true, kind: "token", userId: issued.userId, admin: issued.admin, use: issued.use };
  if (issued.projectId !== undefined) result.projectId = issued.projectId;
  return result;
}

function verifySignature(authorization: string, input: AuthInput, context: AuthContext): AuthResult {
  const parsed = parseAuthorization(authorization);
  if (parsed === undefined) {
    return { ok: false, reason: "the Authorization header is not a valid SDK-HMAC-SHA256 authorization" };
  }
  const issued = context.credentials.some((c) => c.accessKey === parsed.accessKey) ? undefined : context.issued?.key(parsed.accessKey);
  if (issued?.ok === false) return { ok: false, reason: "the temporary access key has expired" };
  const credential = issued?.credential ?? context.credentials.find((c) => c.accessKey === parsed.accessKey);
  if (credential === undefined) return { ok: false, reason: "the access key does not exist" };

  const signed = parsed.signedHeaders;
  if (!signed.includes("x-sdk-date")) return { ok: false, reason: "X-Sdk-Date is not among the signed headers" };
  for (const name of signed) {
    if (headerValue(input.headers, name) === undefined) {
      return { ok: false, reason: `the signed header ${name} is missing from the request` };
    }
  }
  const sdkDate = headerValue(input.headers, "x-sdk-date")!;
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) return { ok: false, reason: "X-Sdk-Date is not in YYYYMMDDTHHMMSSZ form" };
  if (Math.abs(context.now().getTime() - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: "the request has expired: X-Sdk-Date is more than 15 minutes from the server's time" };
  }
  if (credential.securityToken !== undefined) {
    const sent = signed.includes("x-security-token") ? headerValue(input.headers, "x-security-token") : undefined;
    if (sent === undefined) return { ok: false, reason: "a signed X-Security-Token is required for this access key" };
    if (!secretEquals(sent, credential.securityToken)) {
      return { ok: false, reason: "the X-Security-Token does not match this access key" };
    }
  }

  const queryAt = input.rawUrl.indexOf("?");
  const values: Record<string, string> = {};
  for (const name of signed) values[name] = headerValue(input.headers, name)!;
  const contentHash = signed.includes("x-sdk-content-sha256") ? values["x-sdk-content-sha256"] : undefined;
  const canonical = canonicalRequest({
    method: input.method,
    path: queryAt === -1 ? input.rawUrl : input.rawUrl.slice(0, queryAt),
    query: queryAt === -1 ? "" : input.rawUrl.slice(queryAt + 1),
    headers: values,
    signedHeaders: signed,
    payloadHash: contentHash ?? payloadHash(input.body),
  });
  const expected = Buffer.from(computeSignature(credential.secretKey, stringToSign(sdkDate, canonical)), "hex");
  const received = Buffer.from(parsed.signature, "hex");
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) {
    return { ok: false, reason: "verify aksk signature fail" };
  }
  if (issued !== undefined) return { ok: true, kind: "aksk", userId: issued.userId, admin: issued.admin, use: issued.use };
  return { ok: true, kind: "aksk", userId: userIdOf("aksk", credential.accessKey), admin: credential.admin !== false };
}

/** Authenticates a request by token (when `X-Auth-Token` is sent) or by AK/SK signature. */
export function authenticate(input: AuthInput, context: AuthContext): AuthResult {
  const token = headerValue(input.headers, "x-auth-token");
  if (token !== undefined) return verifyToken(token, context);
  const authorization = headerValue(input.headers, "authorization");
  if (authorization !== undefined) return verifySignature(authorization, input, context);
  return { ok: false, reason: "no X-Auth-Token or SDK-HMAC-SHA256 Authorization header was sent" };
}
