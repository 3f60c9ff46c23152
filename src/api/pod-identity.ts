/**
 * CCE pod identity, as Huawei's Python SDK reads it inside a CCE pod (CCE user guide cce_10_1110):
 * `POST $HC_CONTAINER_CREDENTIALS_FULL_URI` with body `{}` and `Authorization:` the contents of
 * `$HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`, answered with temporary keys. The token file is read
 * at each fetch, since the kubelet rotates it. One short attempt, like the metadata service.
 */
import { readTokenFile } from "../config/token-file";
import { ECS_METADATA_TIMEOUT_MS, MetadataUnavailable, parseTemporaryCredential, send } from "./ecs-metadata";
import type { IssuedCredential } from "./iam";

function readToken(tokenFile: string): string {
  const read = readTokenFile(tokenFile);
  if (!read.ok) throw new MetadataUnavailable(`the token file ${tokenFile} ${read.reason}`);
  return read.token;
}

/** The pod's temporary keys and their expiry; throws MetadataUnavailable with the reason. */
export async function fetchPodCredential(uri: string, tokenFile: string, now: () => Date, timeoutMs = ECS_METADATA_TIMEOUT_MS): Promise<IssuedCredential> {
  const token = readToken(tokenFile);
  const answer = await send(uri, { method: "POST", headers: { Authorization: token, "Content-Type": "application/json" }, body: "{}" }, timeoutMs);
  if (answer.status !== 200 && answer.status !== 201) throw new MetadataUnavailable(`answered HTTP ${answer.status}${answer.status === 401 || answer.status === 403 ? " (check the pod's service account and its token file)" : ""}`);
  return parseTemporaryCredential(answer.text, "the pod identity answer", now);
}
