/**
 * An agency, assumed on top of whichever source signs (`huaweicloud:assumeRole` {agencyName,
 * domainName | domainId}, else `HW_ASSUME_ROLE_*`, else a source's own, such as a KooCLI profile's):
 * its temporary keys sign the CCE calls, kept until shortly before they expire.
 */
import { assumeRoleKey, nonEmpty, sourcesOf, type Environment, type StackConfig } from "../config/settings";
import { AGENCY_CREDENTIAL_SECONDS } from "../constants";
import { CredentialsError } from "../errors";
import { cachedLayer, hash } from "./layers";
import type { Layer, LayerOptions } from "./source";
import type { Agency } from "./types";

/** The config object, from JSON text (the bridge's form) or an object; undefined when unset. */
function configObject(config: StackConfig, key: string): Record<string, unknown> | undefined {
  const raw = config.get(key) as unknown;
  if (typeof raw === "object" && raw !== null) return raw as Record<string, unknown>;
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CredentialsError(`${key} must be an object such as {"agencyName": "...", "domainName": "..."}`);
  }
  return parsed as Record<string, unknown>;
}

/** `huaweicloud:assumeRole` ({agencyName, domainName | domainId}), else HW_ASSUME_ROLE_*; undefined when no agency is set. */
export function resolveAgency(config: StackConfig, env: Environment): Agency | undefined {
  const key = assumeRoleKey(config);
  const fromConfig = configObject(config, key);
  const field = (name: string) => (typeof fromConfig?.[name] === "string" ? nonEmpty(fromConfig[name] as string) : undefined);
  const s = sourcesOf(config);
  const agencyName = fromConfig ? field("agencyName") : nonEmpty(env[s.assumeRoleAgencyName.env]);
  const domainName = fromConfig ? field("domainName") : nonEmpty(env[s.assumeRoleDomainName.env]);
  const domainId = fromConfig ? field("domainId") : nonEmpty(env[s.assumeRoleDomainId.env]);
  if (agencyName === undefined && domainName === undefined && domainId === undefined) return undefined;
  const names = fromConfig
    ? { agency: `${key}.agencyName`, domain: `${key}.domainName (or .domainId)` }
    : { agency: s.assumeRoleAgencyName.env, domain: `${s.assumeRoleDomainName.env} (or ${s.assumeRoleDomainId.env})` };
  if (agencyName === undefined) throw new CredentialsError(`an agency's account is set but not the agency: set ${names.agency}`);
  if (domainId !== undefined) return { agencyName, domain: { id: domainId } };
  if (domainName !== undefined) return { agencyName, domain: { name: domainName } };
  throw new CredentialsError(`agency ${JSON.stringify(agencyName)} needs the account that owns it: set ${names.domain}`);
}

/** The agency's layer over `base`: its temporary keys, assumed with base's credentials. */
export function agencyLayer(agency: Agency, base: Layer, options: LayerOptions): Layer {
  const authUrl = options.authUrl();
  const key = hash("agency", authUrl, base.key, agency);
  return cachedLayer(key, options.context.clock, async () => (await import("../api/iam")).assumeAgency(authUrl, await base.get(), agency, AGENCY_CREDENTIAL_SECONDS, options.context));
}
