/**
 * Verification of an OIDC ID token (a JWS in compact form, RFC 7515 §7.1) as IAM does it before an
 * exchange: the signature with the identity provider's key, then `iss`, `aud`, `exp`, `nbf`, `iat`
 * and (when configured) `sub`. Pure: token, policy and clock in, a verdict out. Reasons name the
 * check that failed and at most a claim's (shortened) value, never the token.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { MINUTE_MS } from "../constants";

/** How far `nbf` and `iat` may lie ahead of the server's clock: the usual one-minute leeway for clock drift. */
export const ID_TOKEN_LEEWAY_MS = MINUTE_MS;

/** What an ID token must satisfy: one identity provider's trust settings. */
export interface IdTokenPolicy {
  issuer: string;
  audience: string;
  key: KeyObject;
  subject?: string;
}

export type IdTokenVerdict = { ok: true; claims: Readonly<Record<string, unknown>> } | { ok: false; reason: string };

interface Algorithm {
  /** Whether the provider's key is of the kind the algorithm names (no RSA key for an ES256 token). */
  fits(key: KeyObject): boolean;
  verify(data: Buffer, key: KeyObject, signature: Buffer): boolean;
}

const isP256 = (key: KeyObject) => key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";

/** RFC 7518 §3.1: the two asymmetric algorithms IAM accepts. `none` and the HMAC family are absent on purpose. */
const ALGORITHMS: ReadonlyMap<string, Algorithm> = new Map([
  ["RS256", { fits: (key) => key.asymmetricKeyType === "rsa", verify: (data, key, signature) => verify("sha256", data, key, signature) }],
  [
    "ES256",
    {
      fits: isP256,
      // JOSE signs ES256 as raw r||s (RFC 7518 §3.4), 32 bytes each, not as DER.
      verify: (data, key, signature) => signature.length === 64 && verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature),
    },
  ],
]);

/** Whether a key can verify ID tokens of some accepted algorithm (checked when the emulator starts). */
export function isSupportedKey(key: KeyObject): boolean {
  return [...ALGORITHMS.values()].some((algorithm) => algorithm.fits(key));
}

/** Parses a PEM public key (SPKI), or undefined when it is not one. */
export function publicKeyOf(pem: string): KeyObject | undefined {
  try {
    return createPublicKey({ key: pem, format: "pem" });
  } catch {
    return undefined;
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeObject(part: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A claim's value for a message: JSON, cut to 64 characters so a hostile token cannot flood the answer. */
export function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? "(none)";
  return json.length > 64 ? `${json.slice(0, 61)}...` : json;
}

const fail = (reason: string): IdTokenVerdict => ({ ok: false, reason });

/** Checks the time claims (seconds since the epoch, RFC 7519 §4.1.4-6) against `now`. */
function timeReason(claims: Record<string, unknown>, now: Date): string | undefined {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return "the ID token has no numeric exp";
  if (now.getTime() >= exp * 1000) return "the ID token has expired";
  const latest = now.getTime() + ID_TOKEN_LEEWAY_MS;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf * 1000 > latest)) return "the ID token is not valid yet (nbf is in the future)";
  if (iat !== undefined && (typeof iat !== "number" || iat * 1000 > latest)) return "the ID token was issued in the future (iat)";
  return undefined;
}

/** Checks who issued the token, for whom, and about whom. */
function partyReason(claims: Record<string, unknown>, policy: IdTokenPolicy): string | undefined {
  if (claims["iss"] !== policy.issuer) return `the issuer ${shown(claims["iss"])} is not trusted by this identity provider`;
  const aud = claims["aud"];
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(policy.audience)) return `the audience ${shown(aud)} does not include ${shown(policy.audience)}`;
  if (policy.subject !== undefined && claims["sub"] !== policy.subject) return `the subject ${shown(claims["sub"])} is not allowed by the identity conversion rules`;
  return undefined;
}

/** Verifies an ID token; the signature is checked before any claim is trusted. */
export function verifyIdToken(token: string, policy: IdTokenPolicy, now: Date): IdTokenVerdict {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) return fail("the ID token is not a JWT (three base64url parts)");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeObject(headerPart);
  if (header === undefined) return fail("the ID token's header is not a JSON object");
  const claims = decodeObject(payloadPart);
  if (claims === undefined) return fail("the ID token's payload is not a JSON object");

  const alg = header["alg"];
  const algorithm = typeof alg === "string" ? ALGORITHMS.get(alg) : undefined;
  if (algorithm === undefined) return fail(`the algorithm ${shown(alg)} is not accepted (RS256 or ES256 only)`);
  if (!algorithm.fits(policy.key)) return fail(`the algorithm ${shown(alg)} does not fit the identity provider's key`);
  let verified: boolean;
  try {
    verified = algorithm.verify(Buffer.from(`${headerPart}.${payloadPart}`), policy.key, Buffer.from(signaturePart, "base64url"));
  } catch {
    verified = false;
  }
  if (!verified) return fail("the signature does not verify");

  const reason = timeReason(claims, now) ?? partyReason(claims, policy);
  return reason === undefined ? { ok: true, claims } : fail(reason);
}
