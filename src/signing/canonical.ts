/**
 * The canonical forms of SDK-HMAC-SHA256, Huawei Cloud's AK/SK request signing. Each function is
 * pure: request parts in, string out. The steps are numbered as in Huawei's signing guide
 * (docs/cce-api.md, "Signing").
 */
import { createHash, createHmac } from "node:crypto";

export const SIGNING_ALGORITHM = "SDK-HMAC-SHA256";

/** SHA-256 of an empty body, the payload hash of every GET. */
export const EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * RFC 3986 encoding that keeps only the unreserved set `A-Z a-z 0-9 - _ . ~`, with uppercase `%XX`.
 * `encodeURIComponent` also keeps `! ' ( ) *`, which the signer must encode.
 */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value.toWellFormed()).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Percent-decoding that leaves a malformed escape as it is instead of throwing. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Step 1, CanonicalURI: each segment of the path is decoded, then encoded, and a `/` is appended
 * when the path does not end with one. The request on the wire keeps its own path.
 */
export function canonicalUri(path: string): string {
  const cached = canonicalUris.get(path);
  if (cached !== undefined) return cached;
  const encoded = path
    .split("/")
    .map((segment) => encodeRfc3986(safeDecode(segment)))
    .join("/");
  const uri = encoded.endsWith("/") ? encoded : `${encoded}/`;
  // A client calls a handful of paths again and again; a bounded memo spares re-encoding them.
  if (canonicalUris.size >= CANONICAL_URI_MEMO) canonicalUris.clear();
  canonicalUris.set(path, uri);
  return uri;
}
const CANONICAL_URI_MEMO = 256;
const canonicalUris = new Map<string, string>();

/** Splits a raw query string (without `?`) into decoded key/value pairs, in order. */
export function parseQuery(query: string): Array<[string, string]> {
  const raw = query.startsWith("?") ? query.slice(1) : query;
  if (raw === "") return [];
  return raw.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    return [safeDecode(key), safeDecode(value)];
  });
}

const compareCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Byte order of UTF-8, as Go's sort.Strings orders the official Go SDK's query keys. */
const compareUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a.toWellFormed()), Buffer.from(b.toWellFormed()));

/**
 * Step 2, CanonicalQueryString: keys sorted, repeated keys sorted by value (both as decoded UTF-8
 * bytes, before encoding, as the SDKs do), key and value encoded, `k=v` joined by `&`; empty when
 * there is no query.
 */
export function canonicalQueryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return [...pairs]
    .sort(([ka, va], [kb, vb]) => compareUtf8(ka, kb) || compareUtf8(va, vb))
    .map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`)
    .join("&");
}

/** Step 4, SignedHeaders: the lowercase names, sorted, joined by `;`. */
export function signedHeaderNames(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort(compareCodeUnits);
}

/**
 * Step 3, CanonicalHeaders: `name:trimmed-value\n` for each signed header, sorted by name.
 * `names` are lowercase; lookup in `headers` ignores case.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>, names: readonly string[]): string {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v] as const));
  return names.map((name) => `${name}:${(lower.get(name) ?? "").trim()}\n`).join("");
}

/** Step 5: hex SHA-256 of the exact body bytes sent. */
export function payloadHash(body: string | Uint8Array | undefined): string {
  if (body === undefined || body.length === 0) return EMPTY_PAYLOAD_HASH;
  return createHash("sha256").update(body).digest("hex");
}

export interface CanonicalRequestParts {
  method: string;
  /** The path as sent, possibly percent-encoded. */
  path: string;
  /** The raw query string, with or without `?`. */
  query: string;
  headers: Readonly<Record<string, string>>;
  /** Lowercase, sorted names of the headers to sign. */
  signedHeaders: readonly string[];
  payloadHash: string;
}

/** Step 6: `METHOD\nURI\nQUERY\nHEADERS\nSIGNED_HEADERS\nPAYLOAD_HASH`. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    canonicalUri(parts.path),
    canonicalQueryString(parseQuery(parts.query)),
    canonicalHeaders(parts.headers, parts.signedHeaders),
    parts.signedHeaders.join(";"),
    parts.payloadHash,
  ].join("\n");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Step 7: `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex SHA-256 of the canonical request>`. */
export function stringToSign(sdkDate: string, canonicalRequestText: string): string {
  return stringToSignFromHash(sdkDate, sha256Hex(canonicalRequestText));
}

/** Step 7 from the canonical request's hash, for a caller that keeps the hash too. */
export function stringToSignFromHash(sdkDate: string, canonicalRequestHash: string): string {
  return `${SIGNING_ALGORITHM}\n${sdkDate}\n${canonicalRequestHash}`;
}

/** Step 8: lowercase hex HMAC-SHA256 keyed with the secret key's bytes. */
export function computeSignature(secretKey: string, stringToSignText: string): string {
  return createHmac("sha256", secretKey).update(stringToSignText, "utf8").digest("hex");
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `X-Sdk-Date` format: UTC `YYYYMMDDTHHMMSSZ` (built from the fields: it is on every request's path). */
export function formatSdkDate(date: Date): string {
  const year = date.getUTCFullYear();
  if (Number.isNaN(year)) throw new RangeError("Invalid time value");
  return (
    `${String(year).padStart(4, "0")}${pad2(date.getUTCMonth() + 1)}${pad2(date.getUTCDate())}` +
    `T${pad2(date.getUTCHours())}${pad2(date.getUTCMinutes())}${pad2(date.getUTCSeconds())}Z`
  );
}

/** Parses an `X-Sdk-Date` value; undefined when it is not in `YYYYMMDDTHHMMSSZ` form. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface ParsedAuthorization {
  accessKey: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<h1;h2>, Signature=<hex>`. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-fA-F]+)$/.exec(
    value.trim(),
  );
  if (!m) return undefined;
  return { accessKey: m[1]!, signedHeaders: m[2]!.split(";"), signature: m[3]! };
}
