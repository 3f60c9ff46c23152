/**
 * Which cache file serves a call: one per cluster and identity. The name is the cluster id and a
 * hash of everything that decides which certificate CCE would mint (endpoint, project, cluster,
 * family, context) and for whom (the credential chain's identity: credentials/identity.ts), so two IAM users, two agencies
 * or two projects on one machine never share a certificate, and no secret appears in a file name.
 */
import { createHash } from "node:crypto";

export { credentialIdentity, credentialSlot } from "../credentials";

const sha256 = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex");

export interface CacheKey {
  /** The CCE base URL the certificate is minted at. */
  endpoint: string;
  /** The project id, or `name:<project name>` when it is looked up at mint time. */
  project: string;
  clusterId: string;
  clusterKind: string;
  /** The context whose server and CA are kept beside the certificate (for the probe). */
  context: string;
  /** credentialIdentity() of the chain's settings. */
  identity: string;
  /** credentialSlot() of the chain's settings: entries of one slot supersede each other. */
  slot: string;
}

/** `<clusterId>-<16 hex of the slot>-`: the start of every entry that a new entry of `key` supersedes. */
export function cacheSlotPrefix(key: CacheKey): string {
  return `${key.clusterId}-${sha256([key.endpoint, key.project, key.clusterId, key.clusterKind, key.context, key.slot]).slice(0, 16)}-`;
}

/** `<slot prefix><first 32 hex of the key's hash>.json`; clusterId has passed CCE_ID_PATTERN (safe in a path). */
export function cacheFileName(key: CacheKey): string {
  const digest = sha256([key.endpoint, key.project, key.clusterId, key.clusterKind, key.context, key.identity]).slice(0, 32);
  return `${cacheSlotPrefix(key)}${digest}.json`;
}
