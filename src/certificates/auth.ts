/**
 * How a mint or revoke signs in: the credential method of this call (with the warning when more
 * than one is configured) and the IAM URL that a password sign-in or an agency needs.
 */
import { resolveAuthUrl } from "../config/endpoint";
import { resolveSetting, sourcesOf } from "../config/settings";
import { conflictWarning, resolveAuthSettings, type AuthSettings } from "../credentials";
import { InvalidInputError } from "../errors";
import type { Session } from "./session";

/** The auth settings of this call; a conflict between methods is shown once per session. */
export function authSettings(session: Session): AuthSettings {
  const settings = resolveAuthSettings(session.stackConfig(), session.env());
  const warning = conflictWarning(settings);
  if (warning !== undefined) session.warnOnce(warning);
  return settings;
}

/**
 * The IAM URL, needed by a password sign-in or an agency only: huaweicloud:authUrl / HW_AUTH_URL,
 * else from the cluster's region and cloud (or the configured ones, when the endpoint is explicit).
 */
export function authUrlFor(session: Session, location: { region?: string; cloud?: string }): string {
  const stackConfig = session.stackConfig();
  const setting = (name: "authUrl" | "region" | "cloud") => resolveSetting(name, undefined, stackConfig, session.env());
  const explicit = setting("authUrl");
  const region = location.region ?? setting("region");
  const settings = explicit !== undefined ? { explicit } : region === undefined ? {} : { region, cloud: location.cloud ?? setting("cloud") };
  const s = sourcesOf(stackConfig);
  const url = resolveAuthUrl(settings, { authUrl: `${s.authUrl.config} / ${s.authUrl.env}`, region: `${s.region.config} / ${s.region.env}` });
  if (!url.ok) throw new InvalidInputError(url.failures[0]!.property, url.failures[0]!.reason);
  return url.value;
}
