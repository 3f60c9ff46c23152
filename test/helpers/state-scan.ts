/** Reading a `pulumi stack export` for secrets, shared by the engine tests. */

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

/**
 * What must never be in the state of an exec kubeconfig: a private key marker (PEM, or the start
 * of a base64 kubeconfig field), any of `certificates` (PEM, base64, or its body), any of `credentials`.
 */
export function clientCredentialLeaks(stateJson: string, certificates: ReadonlyArray<{ certificatePem: string; serialNumber: string }>, credentials: readonly string[]): string[] {
  const found: string[] = [];
  // "-----BEGIN " + a key type, raw and as the start of a base64 kubeconfig field.
  for (const marker of ["PRIVATE KEY", "LS0tLS1CRUdJTiBQUklWQVRF", "LS0tLS1CRUdJTiBFQyBQUklWQVRF", "LS0tLS1CRUdJTiBSU0EgUFJJVkFURS"]) {
    if (containsValue(stateJson, marker)) found.push(`private key marker ${marker}`);
  }
  for (const issued of certificates) {
    const pem = issued.certificatePem.trim();
    if (containsValue(stateJson, pem) || containsValue(stateJson, Buffer.from(issued.certificatePem).toString("base64"))) found.push(`certificate ${issued.serialNumber}`);
    // The body alone, in case a re-encoding changed the line ends.
    const body = pem.split("\n").slice(1, -1).join("");
    if (body.length > 0 && containsValue(stateJson, body.slice(0, 64))) found.push(`certificate body ${issued.serialNumber}`);
  }
  for (const secret of credentials) if (containsValue(stateJson, secret)) found.push(`credential ${secret.slice(0, 4)}…`);
  return [...new Set(found)];
}
