/**
 * Where every setting comes from, in one place and in a documented order:
 * resource input, then stack config (`huaweicloud:*`), then environment (`HW_*`).
 * Nothing else in the package reads `process.env` for these.
 */
import { CredentialsError } from "../errors";
import { DEFAULT_ECS_METADATA_URL } from "../api/ecs-metadata";
import type { IdTokenSource } from "./id-token-file";
import { isLoopbackOrLinkLocalIp } from "./local-address";
import { CURRENT_PROFILE, defaultSharedConfigPath, profileFrom, readProfile, type ProfileSelection, type ProfileSettings } from "./koocli-profile";

/**
 * What a host hands the settings resolution: config by namespaced key, secrets unwrapped. The
 * dynamic-provider host gets the whole stack config and reads `huaweicloud:*` (the bridge's keys);
 * the provider plugin sees only its own namespace, `cce-kubeconfig:*` (pulumi/pulumi #17229).
 */
export interface StackConfig {
  /** The namespace of the keys this config answers for. @default "huaweicloud" */
  readonly namespace?: ConfigNamespace;
  get(key: string): string | undefined;
}

/** `huaweicloud` for the dynamic provider, `cce-kubeconfig` for the provider plugin. */
export type ConfigNamespace = "huaweicloud" | "cce-kubeconfig";
export const DYNAMIC_CONFIG_NAMESPACE: ConfigNamespace = "huaweicloud";
export const PLUGIN_CONFIG_NAMESPACE: ConfigNamespace = "cce-kubeconfig";

export type Environment = Readonly<Record<string, string | undefined>>;

export const EMPTY_CONFIG: StackConfig = { get: () => undefined };

/** A setting's sources, in the order they are consulted. */
export interface SettingSource {
  /** The stack config key; absent where users know only the environment variable. */
  config?: string;
  env: string;
}

/**
 * The names are the huaweicloud Terraform provider's environment variables and the config keys of
 * its Pulumi bridge (`huaweicloud:*`), so one stack config serves both.
 */
const SETTING_KEYS = {
  projectId: { config: "projectId", env: "HW_PROJECT_ID" },
  // The IAM project name whose id is looked up when no project id is set; the region by default.
  projectName: { config: "projectName", env: "HW_PROJECT_NAME" },
  region: { config: "region", env: "HW_REGION_NAME" },
  cloud: { config: "cloud", env: "HW_CLOUD" },
  endpoint: { env: "HW_CCE_ENDPOINT" },
  accessKey: { config: "accessKey", env: "HW_ACCESS_KEY" },
  secretKey: { config: "secretKey", env: "HW_SECRET_KEY" },
  securityToken: { config: "securityToken", env: "HW_SECURITY_TOKEN" },
  token: { config: "token", env: "HW_AUTH_TOKEN" },
  userName: { config: "userName", env: "HW_USER_NAME" },
  userId: { config: "userId", env: "HW_USER_ID" },
  password: { config: "password", env: "HW_USER_PASSWORD" },
  domainName: { config: "domainName", env: "HW_DOMAIN_NAME" },
  domainId: { config: "domainId", env: "HW_DOMAIN_ID" },
  authUrl: { config: "authUrl", env: "HW_AUTH_URL" },
  // A KooCLI profile: read only when one of these is set, as the Terraform provider reads it.
  sharedConfigFile: { config: "sharedConfigFile", env: "HW_SHARED_CONFIG_FILE" },
  profile: { config: "profile", env: "HW_PROFILE" },
  // OIDC federation (keyless CI), by the Terraform provider's names: an ID token exchanged at IAM.
  assumeRoleIdpId: { config: "assumeRoleIdpId", env: "HW_ASSUME_ROLE_IDP_ID" },
  assumeRoleIdToken: { config: "assumeRoleIdToken", env: "HW_ASSUME_ROLE_ID_TOKEN" },
  assumeRoleIdTokenFile: { config: "assumeRoleIdTokenFile", env: "HW_ASSUME_ROLE_ID_TOKEN_FILE" },
  // The bridge's `huaweicloud:assumeRole` is one object ({agencyName, domainName, domainId}): see ASSUME_ROLE_CONFIG.
  assumeRoleAgencyName: { env: "HW_ASSUME_ROLE_AGENCY_NAME" },
  assumeRoleDomainName: { env: "HW_ASSUME_ROLE_DOMAIN_NAME" },
  assumeRoleDomainId: { env: "HW_ASSUME_ROLE_DOMAIN_ID" },
  maxRetries: { config: "maxRetries", env: "HW_MAX_RETRIES" },
  // Where the ECS metadata service answers; moved only by tests (loopback) and never by stack config.
  ecsMetadataUrl: { env: "HW_ECS_METADATA_URL" },
  // CCE pod identity, by the names Huawei's Python SDK reads inside a CCE pod.
  podCredentialsUri: { env: "HC_CONTAINER_CREDENTIALS_FULL_URI" },
  podTokenFile: { env: "HC_CONTAINER_AUTHORIZATION_TOKEN_FILE" },
} as const satisfies Record<string, SettingSource>;

export type SettingName = keyof typeof SETTING_KEYS;

type Sources = { readonly [N in SettingName]: { readonly config?: string; readonly env: string } };

/** Every setting's sources with its config key in `namespace` (`huaweicloud:projectId`, `cce-kubeconfig:projectId`). */
export function settingSources(namespace: ConfigNamespace): Sources {
  return Object.fromEntries(
    Object.entries(SETTING_KEYS).map(([name, source]) => [
      name,
      "config" in source ? { config: `${namespace}:${source.config}`, env: source.env } : { env: source.env },
    ]),
  ) as unknown as Sources;
}

/** The sources as the dynamic provider reads them (`huaweicloud:*`). */
export const SETTING_SOURCES: Sources = settingSources(DYNAMIC_CONFIG_NAMESPACE);
const PLUGIN_SOURCES: Sources = settingSources(PLUGIN_CONFIG_NAMESPACE);

/** The sources of the host that handed over `config`. */
export const sourcesOf = (config: StackConfig): Sources => (config.namespace === PLUGIN_CONFIG_NAMESPACE ? PLUGIN_SOURCES : SETTING_SOURCES);

/** The setting names that have a config key, in the order above (the plugin's config variables). */
export const CONFIG_SETTINGS = (Object.keys(SETTING_KEYS) as SettingName[]).filter((n) => "config" in SETTING_KEYS[n]);

/**
 * The agency to assume, as the bridge names it: `pulumi config set --path huaweicloud:assumeRole.agencyName ops`
 * (the provider receives the object as JSON text).
 */
export const ASSUME_ROLE_CONFIG = "huaweicloud:assumeRole";
/** The agency's config key in `config`'s namespace. */
export const assumeRoleKey = (config: StackConfig): string => `${config.namespace ?? DYNAMIC_CONFIG_NAMESPACE}:assumeRole`;

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === "" ? undefined : v.trim());

/** Resolves one setting: explicit value, then stack config, then environment. */
export function resolveSetting(
  name: SettingName,
  explicit: string | undefined,
  config: StackConfig,
  env: Environment,
): string | undefined {
  const source: SettingSource = sourcesOf(config)[name];
  const fromConfig = source.config === undefined ? undefined : config.get(source.config);
  return nonEmpty(explicit) ?? nonEmpty(fromConfig) ?? nonEmpty(env[source.env]);
}

/** How a request is authenticated on the wire. */
export type CceCredentials =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: "token"; token: string };

/** An IAM user as the password sign-in names it: by name within an account (domain), or by id alone. */
export type IamUser = { name: string; domain: { name: string } | { id: string } } | { id: string };

/** How the caller proves who it is. `from` names the settings it came from, never a value. */
export type AuthMethod =
  | (CceCredentials & { from: string })
  | { kind: "password"; user: IamUser; password: string; from: string }
  | {
      /** OIDC federation: an ID token exchanged at IAM for a federated token, then temporary keys. */
      kind: "oidc";
      idpId: string;
      idToken: IdTokenSource;
      from: string;
    }
  | {
      /** Inside a CCE pod: temporary keys from the pod identity endpoint, with the pod's token. */
      kind: "pod";
      uri: string;
      tokenFile: string;
      from: string;
    }
  | {
      /** Nothing else is configured: the ECS instance's temporary keys from its metadata service. */
      kind: "ecs";
      metadataUrl: string;
      from: string;
      /** What was looked for, for the error when the metadata service gives no keys either. */
      notFound: string;
    };

/** The agency whose temporary keys sign CCE calls (`assume_role`). */
export interface Agency {
  agencyName: string;
  /** The account that owns the agency. */
  domain: { name: string } | { id: string };
}

export interface AuthSettings {
  method: AuthMethod;
  agency?: Agency;
  /** Other complete methods that are set and ignored, by the names of their settings, for a warning. */
  ignored: string[];
}

/** A setting's stack config key, or its environment variable where it has none. */
const configKey = (s: Sources, n: SettingName): string => s[n].config ?? s[n].env;

const names = (s: Sources, ...settings: SettingName[]) => (source: "config" | "env") =>
  settings.map((n) => (source === "config" ? configKey(s, n) : s[n].env)).join(" + ");

/**
 * The KooCLI profile the user named (sharedConfigFile / HW_SHARED_CONFIG_FILE, profile / HW_PROFILE),
 * else undefined: without either the file is never read, as in the Terraform provider.
 */
export function profileSelection(config: StackConfig, env: Environment): ProfileSelection | undefined {
  const s = sourcesOf(config);
  const path = resolveSetting("sharedConfigFile", undefined, config, env);
  const profile = resolveSetting("profile", undefined, config, env);
  if (path === undefined && profile === undefined) return undefined;
  const where = (n: SettingName) => (resolveSetting(n, undefined, config, {}) !== undefined ? configKey(s, n) : s[n].env);
  const namedBy = [path !== undefined ? where("sharedConfigFile") : undefined, profile !== undefined ? where("profile") : undefined].filter(Boolean).join(" and ");
  return { path: path ?? defaultSharedConfigPath(nonEmpty(env["HOME"])), profile: profile ?? CURRENT_PROFILE, namedBy };
}

/** The named profile's settings, read afresh at each call (KooCLI rewrites the file when an SSO sign-in renews). */
export function resolveProfile(config: StackConfig, env: Environment): ProfileSettings | undefined {
  const selection = profileSelection(config, env);
  return selection === undefined ? undefined : readProfile(selection);
}

/**
 * The credentials chain, in the huaweicloud Terraform provider's order: the keys of a KooCLI
 * profile the user named, then OIDC federation, then an IAM token, then an access key pair, then a
 * password sign-in, then CCE pod identity, then the ECS instance's metadata. Each method's
 * settings come from stack config, else the environment; a key pair from one source only, so a key from config never signs with a
 * secret from env. When more than one method is complete, the first is used and `ignored` names
 * the others. An agency, when set, is assumed with whichever method is used.
 */
export function resolveAuthSettings(config: StackConfig, env: Environment): AuthSettings {
  const fromConfig = (n: SettingName) => resolveSetting(n, undefined, config, {});
  const s = sourcesOf(config);
  const fromEnv = (n: SettingName) => nonEmpty(env[s[n].env]);
  const either = (n: SettingName) => fromConfig(n) ?? fromEnv(n);
  const where = (n: SettingName) => (fromConfig(n) !== undefined ? configKey(s, n) : s[n].env);

  const complete: AuthMethod[] = [];
  const profile = resolveProfile(config, env);
  if (profile?.keys !== undefined) complete.push({ kind: "aksk", ...profile.keys, from: profileFrom(profile) });
  const oidc = oidcMethod(either, where, s);
  if (oidc !== undefined) complete.push(oidc);
  const token = either("token");
  if (token !== undefined) complete.push({ kind: "token", token, from: where("token") });
  for (const [read, source] of [[fromConfig, "config"], [fromEnv, "env"]] as const) {
    const accessKey = read("accessKey");
    const secretKey = read("secretKey");
    if (accessKey === undefined || secretKey === undefined) continue;
    const securityToken = read("securityToken");
    const from = names(s, "accessKey", "secretKey")(source);
    complete.push(securityToken === undefined ? { kind: "aksk", accessKey, secretKey, from } : { kind: "aksk", accessKey, secretKey, securityToken, from });
    break;
  }
  const password = either("password");
  if (password !== undefined) {
    const user = passwordUser(either, s);
    if (complete.length === 0 && typeof user === "string") throw new CredentialsError(user);
    if (typeof user !== "string") complete.push({ kind: "password", user, password, from: `${where("password")} + ${where("id" in user ? "userId" : "userName")}` });
  }

  const pod = podMethod(env, s);
  if (pod !== undefined) complete.push(pod);

  // Last in the chain: the instance's own keys, when nothing else is configured (fetched only when a call is made).
  const [method, ...ignored]: [AuthMethod, ...AuthMethod[]] = complete.length > 0 ? (complete as [AuthMethod, ...AuthMethod[]]) : [instanceMethod(env, s)];
  const agency = resolveAgency(config, env) ?? profileAgency(profile);
  return agency === undefined ? { method, ignored: ignored.map(describe) } : { method, agency, ignored: ignored.map(describe) };
}

const METHOD_NAMES: Readonly<Record<AuthMethod["kind"], string>> = {
  oidc: "OIDC federation",
  token: "an IAM token",
  aksk: "an access key pair",
  password: "a password sign-in",
  pod: "CCE pod identity",
  ecs: "ECS instance metadata",
};
/** How the warning names a method: `an IAM token (HW_AUTH_TOKEN)`. */
export const methodName = (kind: AuthMethod["kind"]): string => METHOD_NAMES[kind];
const describe = (m: AuthMethod): string => `${METHOD_NAMES[m.kind]} (${m.from})`;

/**
 * OIDC federation: the identity provider's id with an ID token or the file a CI runner writes it
 * to (read at each exchange); undefined when none of them is set. The token's value wins over a file.
 */
function oidcMethod(either: (n: SettingName) => string | undefined, where: (n: SettingName) => string, s: Sources): AuthMethod | undefined {
  const idpId = either("assumeRoleIdpId");
  const value = either("assumeRoleIdToken");
  const file = either("assumeRoleIdTokenFile");
  if (idpId === undefined && value === undefined && file === undefined) return undefined;
  const both = (n: SettingName) => `${configKey(s, n)} / ${s[n].env}`;
  if (idpId === undefined) {
    throw new CredentialsError(`an ID token is set (${where(value !== undefined ? "assumeRoleIdToken" : "assumeRoleIdTokenFile")}) but not the identity provider: set ${both("assumeRoleIdpId")} (IAM's identity provider id)`);
  }
  if (value === undefined && file === undefined) {
    throw new CredentialsError(`${where("assumeRoleIdpId")} is set but no ID token: set ${both("assumeRoleIdTokenFile")} (the file the CI writes its OIDC token to) or ${both("assumeRoleIdToken")}`);
  }
  const idToken: IdTokenSource = value !== undefined ? { value, from: where("assumeRoleIdToken") } : { file: file!, from: where("assumeRoleIdTokenFile") };
  return { kind: "oidc", idpId, idToken, from: `${where("assumeRoleIdpId")} + ${idToken.from}` };
}

/**
 * CCE pod identity: HC_CONTAINER_CREDENTIALS_FULL_URI with HC_CONTAINER_AUTHORIZATION_TOKEN_FILE;
 * undefined when the URI is not set. An `http:` URI must be a loopback or link-local IP literal (the node's agent).
 */
function podMethod(env: Environment, s: Sources): AuthMethod | undefined {
  const uri = nonEmpty(env[s.podCredentialsUri.env]);
  if (uri === undefined) return undefined;
  const tokenFile = nonEmpty(env[s.podTokenFile.env]);
  if (tokenFile === undefined) throw new CredentialsError(`${s.podCredentialsUri.env} is set but not ${s.podTokenFile.env}: set the path of the pod's token file`);
  let url: URL | undefined;
  try {
    url = new URL(uri);
  } catch {
    url = undefined;
  }
  // Plain HTTP carries the pod's token in clear: only to an IP literal of this host or link, never to a name.
  const local = url !== undefined && isLoopbackOrLinkLocalIp(url.hostname);
  if (url === undefined || url.username !== "" || url.password !== "" || !(url.protocol === "https:" || (url.protocol === "http:" && local))) {
    throw new CredentialsError(`${s.podCredentialsUri.env} must be an https:// URL, or http:// to a loopback or link-local IP address (such as 169.254.170.2; not a name); nothing was fetched`);
  }
  return { kind: "pod", uri: url.href, tokenFile, from: `${s.podCredentialsUri.env} + ${s.podTokenFile.env}` };
}

/**
 * The ECS metadata source: HW_ECS_METADATA_URL (tests: a loopback emulator), else 169.254.169.254.
 * Only those addresses: the keys it answers must not be fetched from a host a setting could name.
 */
function instanceMethod(env: Environment, s: Sources): AuthMethod {
  const raw = nonEmpty(env[s.ecsMetadataUrl.env]) ?? DEFAULT_ECS_METADATA_URL;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  const host = url?.hostname.replace(/^\[|\]$/g, "");
  const allowed = url !== undefined && url.protocol === "http:" && (host === "169.254.169.254" || host === "127.0.0.1" || host === "::1" || host === "localhost");
  if (!allowed || url === undefined || url.search !== "" || url.username !== "" || url.password !== "") {
    throw new CredentialsError(`${s.ecsMetadataUrl.env} must be http://169.254.169.254 or an http:// loopback address (tests); nothing was fetched`);
  }
  const metadataUrl = url.origin;
  return { kind: "ecs", metadataUrl, from: `${metadataUrl}/openstack/latest/securitykey`, notFound: noCredentialsMessage(s) };
}

/** The user of a password sign-in, or why it is incomplete. A user id wins over a name (it needs no account). */
function passwordUser(either: (n: SettingName) => string | undefined, s: Sources): IamUser | string {
  const id = either("userId");
  if (id !== undefined) return { id };
  const name = either("userName");
  if (name === undefined) {
    return `${s.password.config} / ${s.password.env} is set, but no user: set ${s.userName.config} / ${s.userName.env} (with the account name) or ${s.userId.config} / ${s.userId.env}`;
  }
  const domainId = either("domainId");
  const domainName = either("domainName");
  if (domainId !== undefined) return { name, domain: { id: domainId } };
  if (domainName !== undefined) return { name, domain: { name: domainName } };
  return (
    `a password sign-in by user name needs the account (domain) name: set ${s.domainName.config} / ${s.domainName.env} ` +
    `or ${s.domainId.config} / ${s.domainId.env} (the account name is the one shown at sign-in, not the IAM user name)`
  );
}

/** A profile's `agencyName` + `agencyDomainName`, used when no agency is set in config or env. */
const profileAgency = (profile: ProfileSettings | undefined): Agency | undefined =>
  profile?.agency === undefined ? undefined : { agencyName: profile.agency.agencyName, domain: { name: profile.agency.domainName } };

/** `huaweicloud:assumeRole` ({agencyName, domainName | domainId}), else HW_ASSUME_ROLE_*; undefined when no agency is set. */
export function resolveAgency(config: StackConfig, env: Environment): Agency | undefined {
  const key = assumeRoleKey(config);
  const raw = config.get(key) as unknown;
  let fromConfig: Record<string, unknown> | undefined;
  if (typeof raw === "string" && raw.trim() !== "") {
    try {
      fromConfig = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      fromConfig = undefined;
    }
    if (typeof fromConfig !== "object" || fromConfig === null || Array.isArray(fromConfig)) {
      throw new CredentialsError(`${key} must be an object such as {"agencyName": "...", "domainName": "..."}`);
    }
  } else if (typeof raw === "object" && raw !== null) {
    fromConfig = raw as Record<string, unknown>;
  }
  const field = (key: string) => (typeof fromConfig?.[key] === "string" ? nonEmpty(fromConfig[key] as string) : undefined);
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

function noCredentialsMessage(s: Sources): string {
  const both = (n: SettingName) => `${configKey(s, n)} / ${s[n].env}`;
  return (
    "no CCE credentials found: set an IAM token, an access key pair, or a user name and password. " +
    `Looked at stack config and environment, in this order: ${both("token")}; ` +
    `${both("accessKey")} + ${both("secretKey")} (with ${both("securityToken")} for temporary keys); ` +
    `${both("password")} + ${both("userName")} + ${both("domainName")} (or ${both("domainId")}), or + ${both("userId")}; ` +
    `or name a KooCLI profile: ${both("profile")} or ${both("sharedConfigFile")}; ` +
    `or OIDC federation: ${both("assumeRoleIdpId")} + ${both("assumeRoleIdTokenFile")} (or ${both("assumeRoleIdToken")}); ` +
    `then the ECS instance's metadata service (${s.ecsMetadataUrl.env}, default ${DEFAULT_ECS_METADATA_URL})`
  );
}

/** `HW_MAX_RETRIES` (default 5), as the Terraform provider reads it. */
export function resolveMaxRetries(config: StackConfig, env: Environment, fallback = 5): number {
  const raw = resolveSetting("maxRetries", undefined, config, env);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
