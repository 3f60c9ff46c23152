/**
 * Where the credentials themselves point, for settings the user did not set: a named KooCLI
 * profile's region and project id (the Terraform provider reads them). Explicit settings always
 * win; the input check asks this last. The project id an SDK source carries with its keys
 * (`HUAWEICLOUD_SDK_PROJECT_ID`, `project_id`) is known only once the chain has chosen, at a call
 * (methodProjectId), since resolving the chain at check would read a password before a call.
 */
import type { Environment, StackConfig } from "../config/settings";
import { resolveProfile } from "./koocli-profile";
import type { ProfileSettings } from "./koocli-profile-file";
import type { AuthSettings } from "./types";

export interface CredentialsProject {
  /** The named profile, when one is named (read once here). */
  profile?: ProfileSettings;
  region?: string;
  projectId?: string;
}

/** Throws the profile's SharedConfigError (a check failure naming it). */
export function credentialsProject(config: StackConfig, env: Environment): CredentialsProject {
  const profile = resolveProfile(config, env);
  const found: CredentialsProject = profile === undefined ? {} : { profile };
  if (profile?.region !== undefined) found.region = profile.region;
  if (profile?.projectId !== undefined) found.projectId = profile.projectId;
  return found;
}

/** The project id the chosen method carries with its keys (an SDK source's), if any. */
export const methodProjectId = (settings: AuthSettings): string | undefined => ("projectId" in settings.method ? settings.method.projectId : undefined);
