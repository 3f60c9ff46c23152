/** The CCE client of a located cluster, signing with the session's credentials. */
import { callContext, CceClient } from "../api/client";
import { credentialSource } from "../credentials";
import type { ResolvedSettings } from "../settings/resolve";
import { authSettings } from "./auth";
import { kindOf, type Located } from "./locate";
import { callOptions, operationSettings, type Session } from "./session";

/**
 * A client for the project `location` names. A password sign-in is scoped as the project was
 * found: by name when it was looked up, so the lookup's sign-in serves the CCE calls too.
 */
export function clientFor(session: Session, location: Located, settings: ResolvedSettings = operationSettings(session)): CceClient {
  const shared = callOptions(session, settings);
  const project = location.projectName !== undefined ? { name: location.projectName } : { id: location.projectId };
  const credentials = credentialSource(() => authSettings(session, settings), { project, authUrl: () => settings.authUrl(location), context: callContext(shared) });
  return new CceClient({ ...shared, endpoint: location.endpoint, projectId: location.projectId, clusterKind: kindOf(location), credentials });
}
