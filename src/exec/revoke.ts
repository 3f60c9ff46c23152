/**
 * `cce-kubeconfig revoke`: CCE's clustercertrevoke, which ends every certificate of one IAM user or
 * agency on a cluster, whoever holds it. `--mine` names the identity that runs the command: the CN
 * of its certificate (CCE puts the user id, or the agency id for an assumed agency, there), read
 * from the cache, or from one certificate obtained for the purpose when none is cached. Afterwards
 * this machine's cache entries holding that identity's certificates for the cluster are removed:
 * they are dead, and the next kubectl call mints one certificate that works.
 */
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RevocationTarget } from "../api/client";
import { EMPTY_CONFIG } from "../config/settings";
import { resolveAuthSettings } from "../credentials";
import { KubeconfigError } from "../errors";
import { readCertificate } from "../kubeconfig/certificate";
import { knownInputs } from "../resources/cluster-certificate/inputs";
import type { ClusterSelection, RevokeTarget } from "./arguments";
import { readCacheEntry } from "./cache";
import { locateCache, obtainCertificate, type CertificateOptions } from "./certificates";

export interface Revoked {
  target: RevocationTarget;
  requestId?: string;
  /** Cache files removed (their certificates were the revoked identity's). */
  removed: string[];
}

/** The CN of a certificate's subject (Node prints `O=...\nCN=...`). */
export function commonName(certificatePem: string): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(readCertificate(certificatePem).subject)?.[1];
}

/** `--mine`: the running identity's id, as the CN of its (cached or newly obtained) certificate. */
async function ownTarget(cluster: ClusterSelection, options: CertificateOptions): Promise<RevocationTarget> {
  const { cacheFile } = locateCache(cluster, options);
  const certificatePem = readCacheEntry(cacheFile)?.certificatePem ?? (await obtainCertificate(cluster, options)).certificatePem;
  const id = commonName(certificatePem);
  if (id === undefined) throw new KubeconfigError(`the certificate for cluster ${cluster.clusterId} has no CN to name its identity; use --user-id or --agency-id`);
  // An assumed agency's certificates carry the agency's id.
  return resolveAuthSettings(EMPTY_CONFIG, options.env).agency !== undefined ? { agencyId: id } : { userId: id };
}

/** Removes the cache entries of `clusterId` whose certificate names `id`; returns their paths. */
function removeCachedCertificates(dir: string, clusterId: string, id: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`${clusterId}-`) || !name.endsWith(".json")) continue;
    const file = join(dir, name);
    const entry = readCacheEntry(file);
    if (entry !== undefined && commonName(entry.certificatePem) === id) {
      rmSync(file, { force: true });
      removed.push(file);
    }
  }
  return removed;
}

export async function revokeCertificates(cluster: ClusterSelection, target: RevokeTarget, options: CertificateOptions): Promise<Revoked> {
  const resolved = target === "mine" ? await ownTarget(cluster, options) : target;
  const { inputs, cacheFile } = locateCache(cluster, options);
  // Loaded only here, as for a mint: the HTTP client is most of the command's start-up time.
  const core = await import("../certificates");
  const session = core.createSession({ env: options.env, warn: options.warn, ...(options.clock === undefined ? {} : { clock: options.clock }) });
  const { requestId } = await core.revokeCertificates(session, knownInputs(inputs), resolved);
  const id = resolved.userId ?? resolved.agencyId;
  const removed = removeCachedCertificates(dirname(cacheFile), inputs.clusterId, id);
  return requestId === undefined ? { target: resolved, removed } : { target: resolved, requestId, removed };
}
