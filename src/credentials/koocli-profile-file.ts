/**
 * A KooCLI profile (`~/.hcloud/config.json`) as a credential source, read the way the huaweicloud
 * Terraform provider reads it (`shared_config_file` / `profile`): only when the user names the
 * file or the profile, and then its keys win over keys set elsewhere. Unlike that provider it
 * refuses an encrypted file (KooCLI's default) instead of signing with ciphertext, and a missing
 * file or profile names both. Errors name the path, the profile and fields, never a value.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { SharedConfigError } from "../errors";
import { readCappedFile } from "../config/capped-file";

/** KooCLI's config files are a few kB; anything larger is not one, and is not read into memory. */
export const MAX_SHARED_CONFIG_BYTES = 1024 * 1024;

/** Which file and profile the user named, and the setting names that named them (for messages). */
export interface ProfileSelection {
  path: string;
  profile: string;
  /** `HW_PROFILE`, `huaweicloud:sharedConfigFile`, ...: what made this source apply. */
  namedBy: string;
}

/** What a profile supplies: keys (absent for an `ecsAgency` profile) and settings that apply with them. */
export interface ProfileSettings {
  selection: ProfileSelection;
  keys?: { accessKey: string; secretKey: string; securityToken?: string };
  region?: string;
  projectId?: string;
  domainId?: string;
  agency?: { agencyName: string; domainName: string };
}

/** `~/.hcloud/config.json` under `home` (HOME from the environment handed over, else the OS's). */
export const defaultSharedConfigPath = (home: string | undefined): string => join(home ?? homedir(), ".hcloud", "config.json");

/** The profile KooCLI uses when none is named: the file's `current`. */
export const CURRENT_PROFILE = "current";

const FIX_ENCRYPTED = "hcloud configure set --cli-auth-encrypt=false";

/**
 * Huawei access key ids are 20 uppercase letters and digits (temporary ones too). KooCLI's
 * encrypted values are not: they are long base64 or hex text. A key of another shape is taken as
 * encrypted rather than sent, which would only earn a signature error far from its cause.
 */
const ACCESS_KEY_SHAPE = /^[A-Z0-9]{10,64}$/;

/**
 * Reads at most MAX_SHARED_CONFIG_BYTES + 1 bytes, non-blocking (capped-file.ts: a FIFO or a device
 * is refused instead of blocking or being read past the cap); undefined when the file does not exist.
 */
function readCapped(path: string, where: string): Buffer | undefined {
  const read = readCappedFile(path, MAX_SHARED_CONFIG_BYTES);
  if (read.ok) return read.bytes;
  if (read.problem === "missing") return undefined;
  if (read.problem === "too large") throw new SharedConfigError(`${where} ${read.reason}: it is not a KooCLI config file`, path);
  throw new SharedConfigError(`${where} ${read.reason}`, path);
}

const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
const text = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

/** Reads the named profile of the named file. Throws SharedConfigError naming the path and profile. */
export function readProfile(selection: ProfileSelection): ProfileSettings {
  const { path } = selection;
  const where = `the shared config file ${path} (named by ${selection.namedBy})`;
  const bytes = readCapped(path, where);
  if (bytes === undefined) throw new SharedConfigError(`${where} does not exist: create it with hcloud configure, or unset ${selection.namedBy}`, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch {
    // The parser's message quotes the text around the error, which may be a key: not repeated.
    throw new SharedConfigError(`${where} is not valid JSON`, path);
  }
  const file = record(parsed);
  if (file === undefined || !Array.isArray(file["profiles"])) throw new SharedConfigError(`${where} has no "profiles" list: it is not a KooCLI config file`, path);
  const wanted = selection.profile === CURRENT_PROFILE ? text(file["current"]) : selection.profile;
  const profiles = file["profiles"].map(record).filter((p): p is Record<string, unknown> => p !== undefined);
  const names = profiles.map((p) => text(p["name"])).filter((n): n is string => n !== undefined);
  const profile = wanted === undefined ? undefined : profiles.find((p) => text(p["name"]) === wanted);
  if (profile === undefined) {
    const which = wanted === undefined ? `the current profile (the file names none in "current")` : `profile ${JSON.stringify(wanted)}`;
    throw new SharedConfigError(`${which} is not in ${where}; it has ${names.length === 0 ? "no profiles" : names.map((n) => JSON.stringify(n)).join(", ")}`, path, wanted);
  }
  const name = wanted!;
  const mode = text(profile["mode"]) ?? "AKSK";
  const settings: ProfileSettings = { selection: { ...selection, profile: name } };
  const keySource = mode.toUpperCase() === "SSO" ? record(record(profile["ssoAuth"])?.["stsToken"]) : profile;
  if (keySource === undefined) {
    throw new SharedConfigError(`profile ${JSON.stringify(name)} in ${where} is in SSO mode but has no ssoAuth.stsToken: sign in again with hcloud (hcloud configure sso)`, path, name);
  }
  const accessKey = text(keySource["accessKeyId"]);
  const secretKey = text(keySource["secretAccessKey"]);
  const securityToken = text(keySource["securityToken"]);
  const encryptedFlag = Object.entries({ ...file, ...profile }).some(([k, v]) => /encrypt/i.test(k) && (v === true || v === "true"));
  if (encryptedFlag || (accessKey !== undefined && !ACCESS_KEY_SHAPE.test(accessKey))) {
    throw new SharedConfigError(
      `profile ${JSON.stringify(name)} in ${where} holds encrypted credentials, which only KooCLI can read: run ${FIX_ENCRYPTED} and configure the profile again`,
      path,
      name,
    );
  }
  if (accessKey !== undefined && secretKey !== undefined) {
    settings.keys = securityToken === undefined ? { accessKey, secretKey } : { accessKey, secretKey, securityToken };
  } else if (accessKey !== undefined || secretKey !== undefined) {
    const missing = accessKey === undefined ? "accessKeyId" : "secretAccessKey";
    throw new SharedConfigError(`profile ${JSON.stringify(name)} in ${where} has no ${mode.toUpperCase() === "SSO" ? `ssoAuth.stsToken.${missing}` : missing}`, path, name);
  }
  for (const field of ["region", "projectId", "domainId"] as const) {
    const value = text(profile[field]);
    if (value !== undefined) settings[field] = value;
  }
  const agencyName = text(profile["agencyName"]);
  const agencyDomain = text(profile["agencyDomainName"]);
  if (agencyName !== undefined && agencyDomain !== undefined) settings.agency = { agencyName, domainName: agencyDomain };
  return settings;
}

/** The profile source's description in messages: `profile "dev" in /home/u/.hcloud/config.json`. */
export const profileFrom = (s: ProfileSettings): string => `profile ${JSON.stringify(s.selection.profile)} in ${s.selection.path}`;
