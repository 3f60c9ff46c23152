/** CCE's clustercertrevoke, sent where a mint would be: the same project lookup and credential chain. */
import type { CertificateRevocationResult, RevocationTarget } from "../api/client";
import { clientFor } from "./client";
import { locate, type ClusterLocation } from "./locate";
import { operationSettings, type Session } from "./session";

/** Revokes every certificate of `target` (an IAM user or agency) on the cluster `location` names. */
export async function revokeCertificates(session: Session, location: ClusterLocation, target: RevocationTarget): Promise<CertificateRevocationResult> {
  const settings = operationSettings(session);
  const located = await locate(session, settings, location);
  return clientFor(session, located, settings).revokeCertificates(located.clusterId, target);
}
