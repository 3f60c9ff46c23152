/**
 * Parsing a 2xx answer with its shape (schemas.ts): JSON first, then the shape, each failure a
 * CceApiError that names the bad fields and never their values.
 */
import type { Fail } from "./call";
import { validate, type Shape } from "./shape";
import type { AttemptResult } from "./transport";

export function parseBody<T>(result: AttemptResult, shape: Shape<T>, fail: Fail, attempts: number): T {
  const requestId = result.requestId;
  let json: unknown;
  try {
    json = JSON.parse(result.text);
  } catch {
    // A 2xx that is not JSON is not retried: the server did the work (and may have minted).
    throw fail(`returned HTTP ${result.status} with a body that is not JSON (request id ${requestId ?? "none"})`, {
      status: result.status,
      requestId,
      attempts,
      issues: [{ path: "(body)", message: "is not JSON" }],
    });
  }
  const parsed = validate(shape, json);
  if (!parsed.ok) {
    const issues = parsed.issues;
    const first = issues.slice(0, 3).map((i) => `${i.path} ${i.message}`).join("; ");
    throw fail(`returned an invalid response: ${first} (request id ${requestId ?? "none"})`, { status: result.status, requestId, attempts, issues });
  }
  return parsed.value;
}
