/**
 * A token that another program writes to a file and rotates (a pod's service-account token, a CI
 * runner's OIDC ID token): read whole at each use, bounded, trimmed. The reason of a failure names
 * the file's problem, never its contents.
 */
import { readCappedFile } from "./capped-file";

/** A token file is 1-4 kB; a file far larger than this holds no token. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

export type TokenFileProblem = "too large" | "not a file" | "empty" | "unreadable";
export type TokenFileRead = { ok: true; token: string } | { ok: false; problem: TokenFileProblem; reason: string };

/** The file's token, or why there is none: `is larger than …`, `is not a regular file …`, `cannot be read (CODE)`, `is empty`. */
export function readTokenFile(path: string): TokenFileRead {
  // Read within the cap whatever the path is (capped-file.ts): a FIFO or /dev/zero is refused, not read.
  const read = readCappedFile(path, MAX_TOKEN_FILE_BYTES);
  if (!read.ok) return { ok: false, problem: read.problem === "missing" ? "unreadable" : read.problem, reason: read.reason };
  const token = read.bytes.toString("utf8").trim();
  return token === "" ? { ok: false, problem: "empty", reason: "is empty" } : { ok: true, token };
}
