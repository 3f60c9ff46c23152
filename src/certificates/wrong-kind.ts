/**
 * The hint for a cluster asked of the wrong API family: CCE answers "not found" for an Autopilot
 * cluster asked as a CCE one, and the other way round.
 */
import type { CceClient } from "../api/client";
import type { ClusterKind } from "../constants";
import { InvalidInputError, isCceApiError } from "../errors";

const KIND_NAMES: Readonly<Record<ClusterKind, string>> = { cce: "a CCE (standard or Turbo)", autopilot: "an Autopilot" };

/**
 * CCE answered that the cluster does not exist: when the other family has it, the user picked
 * the wrong clusterKind. One GET of the other family, which mints nothing, tells; only on this
 * path, so a correct kind costs no request. Always throws: the hint, else `error` itself.
 */
export async function wrongKindHint(client: CceClient, cluster: { clusterId: string; clusterKind: ClusterKind }, error: unknown): Promise<never> {
  if (isCceApiError(error) && error.isClusterGone) {
    const other: ClusterKind = cluster.clusterKind === "cce" ? "autopilot" : "cce";
    const found = await client.getCluster(cluster.clusterId, other).then(
      () => true,
      () => false,
    );
    if (found) {
      throw new InvalidInputError(
        "clusterKind",
        `cluster ${cluster.clusterId} is ${KIND_NAMES[other]} cluster, not ${KIND_NAMES[cluster.clusterKind]} one: set clusterKind: "${other}" (nothing was minted)`,
      );
    }
  }
  throw error;
}
