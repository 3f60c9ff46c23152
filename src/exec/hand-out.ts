/**
 * When a cached certificate stops being handed out. Its own module, with no imports, because the
 * cached path of `cce-kubeconfig credential` (fast-credential.ts) loads nothing it can do without.
 */

const HOUR_MS = 3_600_000;

/**
 * How long before its `notAfter` a certificate stops being handed out: a tenth of its life, at
 * most an hour. The hour lets a command that got the certificate (a long `kubectl apply`, a
 * `pulumi up` that holds one client for its whole run, a watch) finish before the API server
 * refuses it, and covers clock skew between this machine and the API server; the tenth keeps a
 * certificate that a server capped to a short life from being minted anew at each call.
 */
export function renewalMarginMs(notBefore: Date, notAfter: Date): number {
  const life = Math.max(0, notAfter.getTime() - notBefore.getTime());
  return Math.min(life / 10, HOUR_MS);
}

/** From when the certificate is no longer handed out (and kubectl runs the plugin again). */
export function handOutUntil(notBefore: Date, notAfter: Date): Date {
  return new Date(notAfter.getTime() - renewalMarginMs(notBefore, notAfter));
}

/**
 * A cached certificate the API server accepted this recently is served without asking it again.
 * client-go runs the plugin again right after a 401, within a second; a minute lets every call of
 * a busy shell skip the probe, and bounds how long a revoked certificate keeps being handed out.
 */
export const DEFAULT_VERIFY_EVERY_MS = 60_000;

/** RFC 3339 in UTC, to the second (Go's parser takes fractions, but whole seconds are what the docs show). */
export const rfc3339 = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");
