/**
 * Where every setting comes from, in one place and in a documented order:
 * resource input, then stack config (`huaweicloud:*`), then environment (`HW_*`).
 * Nothing else in the package reads `process.env` for these.
 */

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

/** A setting's value, trimmed; undefined when unset or blank. */
export const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === "" ? undefined : v.trim());

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

/** A setting's stack config key, or its environment variable where it has none. */
export const configKey = (s: Sources, n: SettingName): string => s[n].config ?? s[n].env;

/** `HW_MAX_RETRIES` (default 5), as the Terraform provider reads it. */
export function resolveMaxRetries(config: StackConfig, env: Environment, fallback = 5): number {
  const raw = resolveSetting("maxRetries", undefined, config, env);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
