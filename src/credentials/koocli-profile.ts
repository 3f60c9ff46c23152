/**
 * A KooCLI profile the user names (`profile` and/or `sharedConfigFile`; `HW_PROFILE` /
 * `HW_SHARED_CONFIG_FILE`), first in the chain: its keys win over keys set anywhere else, as in
 * the Terraform provider. Without either setting the file is never read. The file's parsing is
 * koocli-profile-file.ts; a profile's agency is assumed when none is set elsewhere, and its region
 * and project id serve the settings resolver.
 */
import type { Environment, StackConfig } from "../config/settings";
import { keyPairMethod } from "./key-pair";
import { CURRENT_PROFILE, defaultSharedConfigPath, profileFrom, readProfile, type ProfileSelection, type ProfileSettings } from "./koocli-profile-file";
import { settingsReader } from "./reader";
import type { ChainSource, SettingsReader } from "./source";

/** The profile the user named, else undefined: without a setting the file is never read, as in the Terraform provider. */
function selectionOf(read: SettingsReader): ProfileSelection | undefined {
  const path = read.either("sharedConfigFile");
  const profile = read.either("profile");
  if (path === undefined && profile === undefined) return undefined;
  const namedBy = [path !== undefined ? read.where("sharedConfigFile") : undefined, profile !== undefined ? read.where("profile") : undefined].filter(Boolean).join(" and ");
  return { path: path ?? defaultSharedConfigPath(read.variable("HOME")), profile: profile ?? CURRENT_PROFILE, namedBy };
}

/** The named profile's settings, read afresh at each resolution (KooCLI rewrites the file when an SSO sign-in renews). */
const profileOf = (read: SettingsReader): ProfileSettings | undefined =>
  read.once("koocli-profile", () => {
    const selection = selectionOf(read);
    return selection === undefined ? undefined : readProfile(selection);
  });

/** The profile named in `config` or `env`, for the region and project id it supplies; undefined when none is named. */
export function resolveProfile(config: StackConfig, env: Environment): ProfileSettings | undefined {
  return profileOf(settingsReader(config, env, () => ""));
}

export const koocliProfile: ChainSource = {
  label: "a KooCLI profile you name",
  row: {
    config: "`profile` and/or `sharedConfigFile`",
    env: "`HW_PROFILE` and/or `HW_SHARED_CONFIG_FILE`",
    note: "its keys (or `ssoAuth.stsToken`) win over keys set anywhere else, as in the Terraform provider; default file `~/.hcloud/config.json`, profile `current`",
  },
  lookedAt: (read) => `a KooCLI profile named by ${read.both("profile")} or ${read.both("sharedConfigFile")}`,
  detect(read) {
    const profile = profileOf(read);
    if (profile?.keys === undefined) return undefined;
    return keyPairMethod(profile.keys.accessKey, profile.keys.secretKey, profile.keys.securityToken, profileFrom(profile));
  },
  // `agencyName` + `agencyDomainName`, used when no agency is set in config or the environment.
  agency(read) {
    const agency = profileOf(read)?.agency;
    return agency === undefined ? undefined : { agencyName: agency.agencyName, domain: { name: agency.domainName } };
  },
};

