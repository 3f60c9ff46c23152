/** CCE's clustercertrevoke, sent where a mint would be: the same project lookup and credential chain. */
import type { CertificateRevocationResult, RevocationTarget } from "../api/client";
import { clientFor } from "./client";
import { locate, type ClusterLocation } from "./locate";
import type { Session } from "./session";

/** Revokes every certificate of `target` (an IAM user or agency) on the cluster `location` names. */
export async function revokeCertificates(session: Session, location: ClusterLocation, target: RevocationTarget): Promise<CertificateRevocationResult> {
  const located = await locate(session, location);
  return clientFor(session, located).revokeCertificates(located.clusterId, target);
}
