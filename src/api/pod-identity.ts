/**
 * CCE pod identity, as Huawei's Python SDK reads it inside a CCE pod (CCE user guide cce_10_1110):
 * `POST $HC_CONTAINER_CREDENTIALS_FULL_URI` with body `{}` and `Authorization:` the contents of
 * `$HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`, answered with temporary keys. The token file is read
 * at each fetch, since the kubelet rotates it. One short attempt, like the metadata service.
 */
import { readFileSync, statSync } from "node:fs";
import { ECS_METADATA_TIMEOUT_MS, MetadataUnavailable, parseTemporaryCredential, send } from "./ecs-metadata";
import type { IssuedCredential } from "./iam";

/** A projected service-account token is about 1 kB; a file far larger is not one. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

function readToken(tokenFile: string): string {
  let token: string;
  try {
    if (statSync(tokenFile).size > MAX_TOKEN_FILE_BYTES) throw new MetadataUnavailable(`the token file ${tokenFile} is larger than ${MAX_TOKEN_FILE_BYTES} bytes`);
    token = readFileSync(tokenFile, "utf8").trim();
  } catch (error) {
    if (error instanceof MetadataUnavailable) throw error;
    throw new MetadataUnavailable(`the token file ${tokenFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (token === "") throw new MetadataUnavailable(`the token file ${tokenFile} is empty`);
  return token;
}

/** The pod's temporary keys and their expiry; throws MetadataUnavailable with the reason. */
export async function fetchPodCredential(uri: string, tokenFile: string, now: () => Date, timeoutMs = ECS_METADATA_TIMEOUT_MS): Promise<IssuedCredential> {
  const token = readToken(tokenFile);
  const answer = await send(uri, { method: "POST", headers: { Authorization: token, "Content-Type": "application/json" }, body: "{}" }, timeoutMs);
  if (answer.status !== 200 && answer.status !== 201) throw new MetadataUnavailable(`answered HTTP ${answer.status}${answer.status === 401 || answer.status === 403 ? " (check the pod's service account and its token file)" : ""}`);
  return parseTemporaryCredential(answer.text, "the pod identity answer", now);
}
