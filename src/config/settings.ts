/**
 * Where every setting comes from, in one place and in a documented order:
 * resource input, then stack config (`huaweicloud:*`), then environment (`HW_*`).
 * Nothing else in the package reads `process.env` for these.
 */
import { CredentialsError } from "../errors";

/** What the provider's `configure` receives: the whole stack config, secrets unwrapped. */
export interface StackConfig {
  get(key: string): string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export const EMPTY_CONFIG: StackConfig = { get: () => undefined };

/** A setting's sources, in the order they are consulted. */
export interface SettingSource {
  /** The stack config key; absent where users know only the environment variable. */
  config?: string;
  env: string;
}

export const SETTING_SOURCES = {
  projectId: { config: "huaweicloud:projectId", env: "HW_PROJECT_ID" },
  region: { config: "huaweicloud:region", env: "HW_REGION_NAME" },
  cloud: { config: "huaweicloud:cloud", env: "HW_CLOUD" },
  endpoint: { env: "HW_CCE_ENDPOINT" },
  accessKey: { config: "huaweicloud:accessKey", env: "HW_ACCESS_KEY" },
  secretKey: { config: "huaweicloud:secretKey", env: "HW_SECRET_KEY" },
  securityToken: { config: "huaweicloud:securityToken", env: "HW_SECURITY_TOKEN" },
  token: { config: "huaweicloud:token", env: "HW_AUTH_TOKEN" },
  maxRetries: { config: "huaweicloud:maxRetries", env: "HW_MAX_RETRIES" },
} as const satisfies Record<string, SettingSource>;

export type SettingName = keyof typeof SETTING_SOURCES;

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === "" ? undefined : v.trim());

/** Resolves one setting: explicit value, then stack config, then environment. */
export function resolveSetting(
  name: SettingName,
  explicit: string | undefined,
  config: StackConfig,
  env: Environment,
): string | undefined {
  const source: SettingSource = SETTING_SOURCES[name];
  const fromConfig = source.config === undefined ? undefined : config.get(source.config);
  return nonEmpty(explicit) ?? nonEmpty(fromConfig) ?? nonEmpty(env[source.env]);
}

/** How requests are authenticated. */
export type CceCredentials =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: "token"; token: string };

/**
 * Credentials: an AK/SK pair (with an optional security token) from stack config, else from
 * the environment; otherwise an IAM token from stack config, else from the environment.
 * A pair is taken from one source only, so a key from config never signs with a secret from env.
 */
export function resolveCredentials(config: StackConfig, env: Environment): CceCredentials {
  const fromConfig = (n: SettingName) => resolveSetting(n, undefined, config, {});
  const fromEnv = (n: SettingName) => nonEmpty(env[SETTING_SOURCES[n].env]);
  for (const read of [fromConfig, fromEnv]) {
    const accessKey = read("accessKey");
    const secretKey = read("secretKey");
    if (accessKey !== undefined && secretKey !== undefined) {
      const securityToken = read("securityToken");
      return securityToken === undefined
        ? { kind: "aksk", accessKey, secretKey }
        : { kind: "aksk", accessKey, secretKey, securityToken };
    }
  }
  const token = fromConfig("token") ?? fromEnv("token");
  if (token !== undefined) return { kind: "token", token };

  const looked = (["accessKey", "secretKey", "token"] as const)
    .map((n) => `${SETTING_SOURCES[n].config} / ${SETTING_SOURCES[n].env}`)
    .join(", ");
  throw new CredentialsError(
    `no CCE credentials found: set an access key pair or an IAM token. Looked at stack config and environment: ${looked} ` +
      `(with ${SETTING_SOURCES.securityToken.config} / ${SETTING_SOURCES.securityToken.env} for temporary keys)`,
  );
}

/** `HW_MAX_RETRIES` (default 5), as the Terraform provider reads it. */
export function resolveMaxRetries(config: StackConfig, env: Environment, fallback = 5): number {
  const raw = resolveSetting("maxRetries", undefined, config, env);
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}
