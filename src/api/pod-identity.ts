/**
 * CCE pod identity, as Huawei's Python SDK reads it inside a CCE pod (CCE user guide cce_10_1110):
 * `POST $HC_CONTAINER_CREDENTIALS_FULL_URI` with body `{}` and `Authorization:` the contents of
 * `$HC_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at each fetch by credentials/pod-identity.ts, since
 * the kubelet rotates it), answered with temporary keys. One short attempt, like the metadata service.
 */
import { ECS_METADATA_TIMEOUT_MS, MetadataUnavailable, parseTemporaryCredential, send } from "./ecs-metadata";
import type { IssuedCredential } from "./iam";

/** The pod's temporary keys and their expiry; throws MetadataUnavailable with the reason. */
export async function fetchPodCredential(uri: string, token: string, now: () => Date, timeoutMs = ECS_METADATA_TIMEOUT_MS): Promise<IssuedCredential> {
  const answer = await send(uri, { method: "POST", headers: { Authorization: token, "Content-Type": "application/json" }, body: "{}" }, timeoutMs);
  if (answer.status !== 200 && answer.status !== 201) throw new MetadataUnavailable(`answered HTTP ${answer.status}${answer.status === 401 || answer.status === 403 ? " (check the pod's service account and its token file)" : ""}`);
  return parseTemporaryCredential(answer.text, "the pod identity answer", now);
}
