/**
 * Parsing a 2xx answer with its zod schema. Its own module so that zod's declarations stay out of
 * every declaration file a user's compiler reads (the public client reaches call.ts).
 */
import type { z } from "zod";
import type { Fail } from "./call";
import { toResponseIssues } from "./schemas";
import type { AttemptResult } from "./transport";

/** Parses a 2xx body with `schema`; the error names the bad fields, never their values. */
export function parseBody<S extends z.ZodType>(result: AttemptResult, schema: S, fail: Fail, attempts: number): z.infer<S> {
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
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = toResponseIssues(parsed.error);
    const first = issues.slice(0, 3).map((i) => `${i.path} ${i.message}`).join("; ");
    throw fail(`returned an invalid response: ${first} (request id ${requestId ?? "none"})`, { status: result.status, requestId, attempts, issues });
  }
  return parsed.data;
}
