/**
 * The ID token of OIDC federation, from the setting's value or the file a CI runner writes it to.
 * Kept apart from api/oidc.ts (the IAM calls) so that what only reads the token, such as the exec
 * command's cache key, loads no HTTP client.
 */
import { readFileSync, statSync } from "node:fs";
import { CredentialsError } from "../errors";

/** A JWT from a CI runner is 1-4 kB; a file far larger is not one. */
const MAX_ID_TOKEN_BYTES = 64 * 1024;

/** Where the ID token comes from: a value, or a file read at each exchange. */
export type IdTokenSource = { value: string; from: string } | { file: string; from: string };

/** The ID token, read now; a CredentialsError names the file or setting and never the token. */
export function readIdToken(source: IdTokenSource): string {
  if ("value" in source) return source.value;
  let text: string;
  try {
    if (statSync(source.file).size > MAX_ID_TOKEN_BYTES) throw new CredentialsError(`the ID token file ${source.file} (${source.from}) is larger than ${MAX_ID_TOKEN_BYTES} bytes: it does not hold one ID token`);
    text = readFileSync(source.file, "utf8").trim();
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    throw new CredentialsError(`the ID token file ${source.file} (${source.from}) cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}); nothing was exchanged`);
  }
  if (text === "") throw new CredentialsError(`the ID token file ${source.file} (${source.from}) is empty: write the CI's OIDC token there before the run; nothing was exchanged`);
  if (text.split(".").length !== 3) throw new CredentialsError(`the ID token file ${source.file} (${source.from}) does not hold a JWT (three dot-separated parts); nothing was exchanged`);
  return text;
}

