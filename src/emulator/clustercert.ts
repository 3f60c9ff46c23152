/**
 * The clustercert call: validating `duration` / `expire_at` and building the Kubernetes v1.Config
 * JSON that CCE returns (docs/cce-api.md, "The clustercert calls").
 */
import { DAY_MS, HUAWEI_MAX_DURATION_DAYS as MAX_DURATION_DAYS, MIN_EXPIRE_AHEAD_MS } from "../constants";

export type ValidityResult = { ok: true; notAfter: Date } | { ok: false; message: string };

function addYears(date: Date, years: number): Date {
  const result = new Date(date.getTime());
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}

/** The maximum validity, 5 years (what `duration: -1` means). */
export function maximumExpiry(now: Date): Date {
  return addYears(now, 5);
}

/** Go's `time.Time.String()` form, `2025-01-01 16:00:00 +0000 UTC`, as CCE documents it. */
const GO_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})? ([+-])(\d{2})(\d{2})(?: [A-Za-z0-9+-]+)?$/;
/** ISO 8601 with seconds optional and an explicit zone. */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** Parses `expire_at`; undefined when it is in neither accepted form. */
export function parseExpireAt(value: string): Date | undefined {
  const go = GO_TIME.exec(value);
  const iso = go ? undefined : ISO_TIME.exec(value);
  let fields: number[];
  let offsetMinutes = 0;
  if (go) {
    fields = go.slice(1, 7).map(Number);
    offsetMinutes = (go[7] === "-" ? -1 : 1) * (Number(go[8]) * 60 + Number(go[9]));
  } else if (iso) {
    fields = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6] ?? "0"].map(Number);
    if (iso[7] !== "Z") offsetMinutes = (iso[8] === "-" ? -1 : 1) * (Number(iso[9]) * 60 + Number(iso[10]));
  } else {
    return undefined;
  }
  const [y, mo, d, h, mi, s] = fields as [number, number, number, number, number, number];
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject dates that Date.UTC silently rolls over (2025-02-30, 24:61, ...).
  if (
    local.getUTCFullYear() !== y ||
    local.getUTCMonth() !== mo - 1 ||
    local.getUTCDate() !== d ||
    local.getUTCHours() !== h ||
    local.getUTCMinutes() !== mi ||
    local.getUTCSeconds() !== s
  ) {
    return undefined;
  }
  return new Date(local.getTime() - offsetMinutes * 60_000);
}

/** Validates the POST body and returns the expiry it asks for; `expire_at` wins over `duration`. */
export function parseValidity(body: Buffer, now: Date): ValidityResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return { ok: false, message: "request body is not valid JSON; send {\"duration\": days} or {\"expire_at\": time}" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, message: "request body must be a JSON object with duration or expire_at" };
  }
  const { duration, expire_at: expireAt } = parsed as Record<string, unknown>;
  if (expireAt !== undefined && expireAt !== null) {
    const at = typeof expireAt === "string" ? parseExpireAt(expireAt) : undefined;
    if (at === undefined) {
      return {
        ok: false,
        message: 'expire_at must be a time like "2025-01-01 16:00:00 +0000 UTC" or ISO 8601 with a zone',
      };
    }
    // The upper bound allows 1827 days, the longest `duration`, so the two agree on "5 years".
    if (at.getTime() < now.getTime() + MIN_EXPIRE_AHEAD_MS || at.getTime() > now.getTime() + MAX_DURATION_DAYS * DAY_MS) {
      return { ok: false, message: "expire_at must be between 15 minutes and 5 years from now" };
    }
    return { ok: true, notAfter: at };
  }
  if (duration !== undefined && duration !== null) {
    if (duration === -1) return { ok: true, notAfter: maximumExpiry(now) };
    if (typeof duration !== "number" || !Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_DAYS) {
      return { ok: false, message: `duration must be -1 or an integer from 1 to ${MAX_DURATION_DAYS} (days)` };
    }
    return { ok: true, notAfter: new Date(now.getTime() + duration * DAY_MS) };
  }
  return { ok: false, message: "duration or expire_at is required" };
}

export interface KubeconfigInput {
  /** `https://127.0.0.1:PORT` */
  internalServer: string;
  /** `https://localhost:PORT` when an EIP is bound. */
  externalServer?: string;
  caPem: string;
  certificatePem: string;
  privateKeyPem: string;
}

interface NamedCluster {
  name: string;
  cluster: { server: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean };
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** The v1.Config body of both clustercert calls, entries named and ordered as CCE returns them. */
export function buildKubeconfig(input: KubeconfigInput): object {
  const caData = base64(input.caPem);
  const clusters: NamedCluster[] = [
    { name: "internalCluster", cluster: { server: input.internalServer, "certificate-authority-data": caData } },
  ];
  const contexts = [{ name: "internal", context: { cluster: "internalCluster", user: "user" } }];
  if (input.externalServer !== undefined) {
    clusters.push(
      { name: "externalCluster", cluster: { server: input.externalServer, "insecure-skip-tls-verify": true } },
      { name: "externalClusterTLSVerify", cluster: { server: input.externalServer, "certificate-authority-data": caData } },
    );
    contexts.push(
      { name: "external", context: { cluster: "externalCluster", user: "user" } },
      { name: "externalTLSVerify", context: { cluster: "externalClusterTLSVerify", user: "user" } },
    );
  }
  return {
    kind: "Config",
    apiVersion: "v1",
    preferences: {},
    clusters,
    users: [
      {
        name: "user",
        user: {
          "client-certificate-data": base64(input.certificatePem),
          "client-key-data": base64(input.privateKeyPem),
        },
      },
    ],
    contexts,
    "current-context": input.externalServer !== undefined ? "external" : "internal",
  };
}
