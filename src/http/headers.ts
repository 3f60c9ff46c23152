/**
 * Case-insensitive header lookup, shared by the signer (headers as the caller wrote them), the
 * client (undici's response headers) and the emulator (Node's request headers).
 */

export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The value of header `name` in any letter case. Repeated values are joined with ", ", as HTTP
 * combines a repeated field (RFC 9110, section 5.3).
 */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value = headers[wanted];
  // A loop rather than Object.entries: this runs for every answer, and allocates nothing here.
  if (value === undefined) {
    for (const key in headers) {
      if (key.toLowerCase() === wanted) {
        value = headers[key];
        break;
      }
    }
  }
  return typeof value === "string" || value === undefined ? value : value.join(", ");
}
