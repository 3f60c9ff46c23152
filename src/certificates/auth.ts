/**
 * How a mint or revoke signs in: the credential method of this call (with the warning when more
 * than one is configured) and the IAM URL that a password sign-in or an agency needs.
 */
import { resolveAuthUrl } from "../config/endpoint";
import { orderText } from "../config/credential-order";
import { methodName, resolveAuthSettings, resolveSetting, sourcesOf, type AuthSettings } from "../config/settings";
import { InvalidInputError } from "../errors";
import type { Session } from "./session";

/** The warning for more than one complete set of credentials: which one is used, by setting names only. */
export function conflictWarning(settings: AuthSettings): string | undefined {
  if (settings.ignored.length === 0) return undefined;
  const used = methodName(settings.method.kind);
  return (
    `pulumi-cce-kubeconfig: more than one set of CCE credentials is configured; using ${used} (${settings.method.from}) ` +
    `and ignoring ${settings.ignored.join(" and ")}. The order is: ${orderText()} ` +
    "(as in the huaweicloud Terraform provider); unset the ones you do not mean to use."
  );
}

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
