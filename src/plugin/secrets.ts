/**
 * Secret values on the wire. The plugin answers Handshake and Configure with `acceptSecrets`, so
 * the engine sends secret values wrapped as below and keeps secret whatever the plugin returns
 * wrapped: that, not the schema's `secret: true`, is what keeps a value encrypted in state for
 * every caller (an import or a raw registration applies no additionalSecretOutputs).
 * @see https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/go/common/resource/sig/sig.go
 */

/** The key that marks an object as a special value, and its value for a secret. */
export const SPECIAL_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface WrappedSecret {
  [SPECIAL_SIG_KEY]: typeof SECRET_SIG;
  value: unknown;
}

export const isSecret = (value: unknown): value is WrappedSecret =>
  typeof value === "object" && value !== null && (value as Record<string, unknown>)[SPECIAL_SIG_KEY] === SECRET_SIG;

/** `value` marked secret (once: a secret stays one wrapper deep). */
export const secret = (value: unknown): WrappedSecret =>
  isSecret(value) ? value : { [SPECIAL_SIG_KEY]: SECRET_SIG, value };

/** `value` with every secret wrapper removed, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecret(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** Top-level properties whose value is, or holds, a secret: they stay secret in what is returned. */
export function secretKeys(props: Readonly<Record<string, unknown>>): string[] {
  const holds = (value: unknown): boolean =>
    isSecret(value) || (typeof value === "object" && value !== null && Object.values(value).some(holds));
  return Object.keys(props).filter((key) => holds(props[key]));
}

/** `props` with the properties named in `keys` wrapped as secrets (absent ones stay absent). */
export function wrapKeys(props: Readonly<Record<string, unknown>>, keys: Iterable<string>): Record<string, unknown> {
  const wrapped: Record<string, unknown> = { ...props };
  for (const key of keys) if (wrapped[key] !== undefined) wrapped[key] = secret(wrapped[key]);
  return wrapped;
}

/** Every string held, at any depth, inside a secret wrapper of `value`. */
export function secretStrings(value: unknown, inside = false): string[] {
  if (isSecret(value)) return secretStrings(value.value, true);
  if (typeof value === "string") return inside ? [value] : [];
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap((v) => secretStrings(v, inside));
  return [];
}

/** A check failure as the engine shows it (the same shape as config/checked's CheckFailure). */
interface Failure {
  property: string;
  reason: string;
}

/** The `; got ...` tail that check messages end with (input-schema.ts `show()`). */
const GOT = /; got [^]*$/;
/** Shorter strings are too common to scrub from a message without mangling it (a `1` in "1 to 1825 days"). */
const MIN_SCRUBBED_LENGTH = 4;

/**
 * Check failures that repeat no value the user marked secret: a failure of a secret property says
 * "got a secret value", and any secret string that still appears in a reason is masked.
 * `raw` is what the engine sent, secrets wrapped.
 */
export function redactFailures<F extends Failure>(failures: readonly F[], raw: Readonly<Record<string, unknown>>): F[] {
  const keys = new Set(secretKeys(raw));
  const values = secretStrings(raw).filter((v) => v.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
  return failures.map((failure) => {
    const top = failure.property.split(/[.[]/)[0]!;
    let reason = keys.has(top) ? failure.reason.replace(GOT, "; got a secret value (not shown)") : failure.reason;
    for (const value of values) reason = reason.split(value).join("[secret]");
    return { ...failure, reason };
  });
}
