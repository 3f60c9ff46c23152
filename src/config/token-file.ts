/**
 * A token that another program writes to a file and rotates (a pod's service-account token, a CI
 * runner's OIDC ID token): read whole at each use, bounded, trimmed. The reason of a failure names
 * the file's problem, never its contents.
 */
import { readFileSync, statSync } from "node:fs";

/** A token file is 1-4 kB; a file far larger than this holds no token. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

export type TokenFileProblem = "too large" | "empty" | "unreadable";
export type TokenFileRead = { ok: true; token: string } | { ok: false; problem: TokenFileProblem; reason: string };

/** The file's token, or why there is none: `is larger than …`, `cannot be read (CODE)`, `is empty`. */
export function readTokenFile(path: string): TokenFileRead {
  try {
    // Checked before reading, so a huge file is never loaded.
    if (statSync(path).size > MAX_TOKEN_FILE_BYTES) return { ok: false, problem: "too large", reason: `is larger than ${MAX_TOKEN_FILE_BYTES} bytes` };
    const token = readFileSync(path, "utf8").trim();
    return token === "" ? { ok: false, problem: "empty", reason: "is empty" } : { ok: true, token };
  } catch (error) {
    return { ok: false, problem: "unreadable", reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
}
