/**
 * The ID token of OIDC federation, from the setting's value or the file a CI runner writes it to.
 * Kept apart from oidc.ts (the IAM exchange) so that what only reads the token, such as the exec
 * command's cache key, loads no HTTP client.
 */
import { CredentialsError } from "../errors";
import { readTokenFile, type TokenFileProblem } from "../config/token-file";

import type { IdTokenSource } from "./types";

/** What the error adds to each problem of the file. */
const ADVICE: Readonly<Record<TokenFileProblem, string>> = {
  "too large": ": it does not hold one ID token",
  "not a file": ": point the setting at the file the CI writes the token to; nothing was exchanged",
  empty: ": write the CI's OIDC token there before the run; nothing was exchanged",
  unreadable: "; nothing was exchanged",
};

/** The ID token, read now; a CredentialsError names the file or setting and never the token. */
export function readIdToken(source: IdTokenSource): string {
  if ("value" in source) return source.value;
  const where = `the ID token file ${source.file} (${source.from})`;
  const read = readTokenFile(source.file);
  if (!read.ok) throw new CredentialsError(`${where} ${read.reason}${ADVICE[read.problem]}`);
  if (read.token.split(".").length !== 3) throw new CredentialsError(`${where} does not hold a JWT (three dot-separated parts); nothing was exchanged`);
  return read.token;
}
