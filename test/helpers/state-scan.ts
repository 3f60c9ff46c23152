/** Looking for a secret in a `pulumi stack export`. */

/**
 * Whether a state export holds `secret` in any string, raw or JSON-escaped, including the
 * `plaintext` strings of decrypted secrets (JSON inside JSON).
 */
export function containsValue(stateJson: string, secret: string): boolean {
  const strings: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      strings.push(v);
      if (v.startsWith('"') || v.startsWith("{") || v.startsWith("[")) {
        try {
          walk(JSON.parse(v));
        } catch {
          // not JSON
        }
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(JSON.parse(stateJson));
  return stateJson.includes(secret) || stateJson.includes(JSON.stringify(secret).slice(1, -1)) || strings.some((s) => s.includes(secret));
}
