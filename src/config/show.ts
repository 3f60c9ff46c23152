/** How messages show a value they refuse: described, never dumped (a long string might be a secret or a file). */

/** What a CCE id must be (the inputs' zod check and the settings resolver's check of a configured one say it alike). */
export const cceIdExpected = (example: string): string => `must be a CCE id such as ${example} (letters, digits, '-' or '_')`;

/** Shows a bad value without echoing a huge or multi-line string. */
export function show(value: unknown): string {
  if (typeof value === "string") return value.length > 64 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
