/**
 * The contracts of the credential chain: what one source of it is (ChainSource), what it reads
 * settings through (SettingsReader), and how a method of its kind is fetched, renewed and named in
 * the exec cache (MethodBehaviour, Layer). chain.ts holds the ordered array of sources; each
 * source is one module that implements these.
 */
import type { CallContext } from "../api/call";
import type { ProjectScope } from "../api/iam";
import type { Environment, SettingName, StackConfig } from "../config/settings";
import type { Agency, AuthMethod, CceCredentials } from "./types";

/** Settings as one source sees them: stack config first, then the environment; names for messages. */
export interface SettingsReader {
  readonly config: StackConfig;
  readonly env: Environment;
  /** Stack config, else the environment variable; undefined when neither is set (blank counts as unset). */
  either(name: SettingName): string | undefined;
  fromConfig(name: SettingName): string | undefined;
  fromEnv(name: SettingName): string | undefined;
  /** The name of whichever of the two set it: `huaweicloud:token` or `HW_AUTH_TOKEN`. */
  where(name: SettingName): string;
  /** The setting's stack config key (its environment variable where it has none), and its environment variable. */
  configName(name: SettingName): string;
  envName(name: SettingName): string;
  /** Both names, for advice: `huaweicloud:token / HW_AUTH_TOKEN`. */
  both(name: SettingName): string;
  /** An environment variable only a source knows (the SDKs' `HUAWEICLOUD_SDK_*`), trimmed; undefined when blank. */
  variable(name: string): string | undefined;
  /** The value `compute` gave the first time `key` was asked in this resolution (a file two hooks read). */
  once<T>(key: string, compute: () => T): T;
  /** The no-credentials error's text, derived from the whole chain (the last source quotes it). */
  noCredentials(): string;
}

/** How the README's order table and the no-credentials error name a source's settings. */
export interface SourceRow {
  /** Config keys without the namespace, in backticks, or `(none: ...)`. */
  config: string;
  /** Environment variables, in backticks. */
  env: string;
  note: string;
}

/** One source of the chain: where a method's settings are found. */
export interface ChainSource {
  /** How the warning, the error and the table name it: `an IAM token`. */
  label: string;
  row: SourceRow;
  /** Its settings as the no-credentials error names them, by both names: `huaweicloud:token / HW_AUTH_TOKEN`. */
  lookedAt(read: SettingsReader): string;
  /**
   * The method when its settings are complete; undefined when they are not set at all; throws a
   * CredentialsError naming what is missing when they are half set. `earlierComplete` tells
   * whether a source before it is complete (a half-set password is then only ignored).
   */
  detect(read: SettingsReader, earlierComplete: boolean): AuthMethod | undefined;
  /** Used only when no other source is complete (the ECS metadata service). */
  fallback?: true;
  /** An agency this source names, assumed when none is set in config or the environment (a KooCLI profile's). */
  agency?(read: SettingsReader): Agency | undefined;
  /** The method kinds this module owns: how they are fetched and renewed, and whom they name. */
  methods?: readonly MethodBehaviour[];
}

/** What a layer needs to fetch: the project a sign-in is scoped to, IAM's URL, the call context. */
export interface LayerOptions {
  project: ProjectScope;
  /** The IAM URL (…/v3); asked for only when a source needs IAM. */
  authUrl: () => string;
  context: CallContext;
}

/** One step of the session's chain: a fixed credential, or one that is issued and kept until near expiry. */
export interface Layer {
  key: string;
  /** False for a fixed token or key pair: nothing to renew. */
  issued: boolean;
  get(): Promise<CceCredentials>;
  /** The project of a signed-in token (a password or OIDC sign-in); undefined for other layers. */
  project(): Promise<string | undefined>;
}

/** How a method kind behaves once chosen. */
export interface MethodBehaviour {
  kind: string;
  /** `an access key pair`: how the conflict warning names a method of this kind. */
  label: string;
  layer(method: AuthMethod, options: LayerOptions): Layer;
  /** What names the identity in the exec cache key, never a secret. `now` decides whether a token has expired. */
  identity(method: AuthMethod, now: Date): unknown;
  /** Whether its credentials rotate (each rotation's cache entry supersedes the last). */
  rotates(method: AuthMethod): boolean;
}
