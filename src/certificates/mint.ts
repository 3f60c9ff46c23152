/**
 * Mints one client certificate of a CCE cluster: locates the cluster's project, builds the client,
 * checks the context choice, calls clustercert, and turns a "not found" of the wrong API family
 * into a hint. The ClusterCertificate resource and the `cce-kubeconfig` command both mint here.
 */
import type { CceClient, IssuedClusterCertificate } from "../api/client";
import type { ClusterKind } from "../constants";
import type { ContextChoice } from "../kubeconfig/context";
import { clientFor } from "./client";
import { assertContextAvailable, clientCertificateOf, type ClientCertificate } from "./context";
import { locate, type ClusterLocation, type Located } from "./locate";
import { operationSettings, type Session } from "./session";
import { wrongKindHint } from "./wrong-kind";

/** What to mint, where: the known (checked) inputs of the resource or the command. */
export interface MintRequest extends ClusterLocation {
  clusterKind: ClusterKind;
  /** Validity in days, -1 for CCE's maximum; sent as `duration`. */
  duration?: number;
  /** ISO 8601; sent as `expire_at` instead of a duration. */
  expireAt?: string;
  /** Mint with the discarded `GET` clustercert call, which takes no validity. */
  useLegacyGet: boolean;
  /** Which of the answer's contexts is made current. */
  context: ContextChoice;
}

export interface MintedCertificate extends ClientCertificate {
  /** The project it was minted in: the one set, or the one looked up by name. */
  projectId: string;
}

/** `POST` with `duration` or `expire_at`, or the discarded `GET`; the context is asked about first. */
async function issue(client: CceClient, request: Located<MintRequest>): Promise<IssuedClusterCertificate> {
  await assertContextAvailable(client, request);
  if (request.useLegacyGet) return client.getClusterCertificateLegacy(request.clusterId);
  return client.createClusterCertificate(request.clusterId, {
    duration: request.duration,
    expireAt: request.expireAt === undefined ? undefined : new Date(request.expireAt),
  });
}

export async function mintCertificate(session: Session, request: MintRequest): Promise<MintedCertificate> {
  const settings = operationSettings(session);
  const located = await locate(session, settings, request);
  const client = clientFor(session, located, settings);
  const issued = await issue(client, located).catch((error: unknown) => wrongKindHint(client, located, error));
  return { ...clientCertificateOf(issued.config, request.context), projectId: located.projectId };
}
