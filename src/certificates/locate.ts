/**
 * Where a certificate is minted or revoked: the cluster, its API family, and the project, whose
 * id is looked up at IAM by name when it is not set.
 */
import { callContext } from "../api/client";
import { methodProjectId, projectIdFor } from "../credentials";
import type { ClusterKind } from "../constants";
import { sourcesOf } from "../config/settings";
import { InvalidInputError } from "../errors";
import type { ResolvedSettings } from "../settings/resolve";
import { authSettings } from "./auth";
import { callOptions, type Session } from "./session";

/** A cluster as the checked inputs (of the resource or the command) name it. */
export interface ClusterLocation {
  clusterId: string;
  /** Set, or absent: then `projectName` is looked up. */
  projectId?: string;
  /** The IAM project name to look the id up by. */
  projectName?: string;
  /** The CCE base URL. */
  endpoint: string;
  region?: string;
  cloud?: string;
  /** @default "cce" (see kindOf) */
  clusterKind?: ClusterKind;
}

export type Located<T extends ClusterLocation = ClusterLocation> = T & { projectId: string };

/** Stored certificates from before `clusterKind` existed are CCE clusters. */
export const kindOf = (location: { clusterKind?: unknown }): ClusterKind => (location.clusterKind === "autopilot" ? "autopilot" : "cce");

/** The set project id, else the one the chosen credentials name, else the id IAM lists under `projectName` (once per process per credentials and name). */
export async function locate<T extends ClusterLocation>(session: Session, settings: ResolvedSettings, location: T): Promise<Located<T>> {
  if (location.projectId !== undefined) return location as Located<T>;
  // The project an SDK source names with its keys (HUAWEICLOUD_SDK_PROJECT_ID): known once the chain has chosen.
  const named = methodProjectId(authSettings(session, settings));
  if (named !== undefined) return { ...location, projectId: named };
  if (location.projectName === undefined) throw new InvalidInputError("projectId", "is not set, and there is no region or project name to look it up by");
  const s = sourcesOf(session.stackConfig());
  const projectId = await projectIdFor(
    authSettings(session, settings),
    location.projectName,
    { authUrl: () => settings.authUrl(location), context: callContext(callOptions(session, settings)) },
    { projectId: `${s.projectId.config} / ${s.projectId.env}`, projectName: `${s.projectName.config} / ${s.projectName.env}` },
  );
  return { ...location, projectId };
}
