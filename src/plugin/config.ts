/**
 * The provider's own configuration (`cce-kubeconfig:*`): CheckConfig, DiffConfig and the
 * StackConfig that Configure hands the operations.
 *
 * What the engine sends (read from pulumi/pulumi v3.248.0, pkg/resource/deploy/target.go and
 * sdk/go/common/resource/plugin/provider_plugin.go): a default provider's inputs are the stack
 * config of the package with the namespace dropped (`region`, not `cce-kubeconfig:region`), each
 * a string (an object set with `--path` arrives as JSON text), plus the engine's `version`; an
 * explicit provider's are its arguments (the generated SDKs send non-string ones as JSON text).
 * Configure's `variables` are keyed `cce-kubeconfig:config:<key>`; its `args` are the checked inputs.
 */
import type { CheckFailure } from "../config/checked";
import { PLUGIN_CONFIG_NAMESPACE as NAMESPACE, type StackConfig } from "../config/settings";
import { resolveAgency } from "../credentials";
import { CredentialsError } from "../errors";
import { show } from "../resources/cluster-certificate/input-schema";
import { closestName, isUnknown } from "../protocol";
import { configVariables, SECRET_CONFIG, TOKEN_ALIAS } from "./schema";
import { redactFailures, secretKeys, unwrapSecrets, wrapKeys } from "./secrets";

/** Inputs the engine adds to every provider's (`__internal` holds the plugin's download URL and checksums). */
const ENGINE_KEYS: ReadonlySet<string> = new Set(["version", "pluginDownloadURL", "pluginChecksums", "__internal"]);
const ASSUME_ROLE_FIELDS = ["agencyName", "domainName", "domainId"];

const parseObject = (value: unknown): unknown => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

/**
 * The agency's shape (known fields, strings) is checked here; whether it is complete is the
 * credential chain's own check (credentials/agency.ts), so CheckConfig refuses exactly what a
 * call would, with the same words.
 */
function checkAssumeRole(value: unknown): string | undefined {
  const role = parseObject(value);
  const example = '{"agencyName": "...", "domainName": "..."}';
  if (typeof role !== "object" || role === null || Array.isArray(role)) return `must be an object such as ${example}; got ${show(value)}`;
  for (const [key, field] of Object.entries(role)) {
    if (!ASSUME_ROLE_FIELDS.includes(key)) {
      const closest = closestName(key, ASSUME_ROLE_FIELDS);
      return `.${key} is not a field of assumeRole: ${closest === undefined ? `the fields are ${ASSUME_ROLE_FIELDS.join(", ")}` : `did you mean ${closest}?`}`;
    }
    if (typeof field !== "string") return `.${key} must be a string; got ${show(field)}`;
  }
  const config: StackConfig = { namespace: NAMESPACE, get: (key) => (key === `${NAMESPACE}:assumeRole` ? JSON.stringify(role) : undefined) };
  try {
    return resolveAgency(config, {}) === undefined ? "needs agencyName, the agency to assume" : undefined;
  } catch (error) {
    if (error instanceof CredentialsError) return error.message;
    throw error;
  }
}

/** Why the value of a known setting is refused; undefined when it is fine. */
function settingProblem(key: string, value: unknown): string | undefined {
  if (key === "maxRetries") {
    const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    return Number.isInteger(n) && (n as number) >= 0 ? undefined : `must be a whole number of retries, 0 or more; got ${show(value)}`;
  }
  if (key === "assumeRole") return checkAssumeRole(value);
  return typeof value === "string" ? undefined : `must be a string; got ${show(value)}`;
}

/**
 * CheckConfig: every setting known and well-typed. Credentials, and every setting the user marked
 * secret (`pulumi config set --secret`, `pulumi.secret(...)`), are returned as secrets, so state never
 * holds them in plaintext; a failure never repeats a marked value.
 */
export function checkConfig(raw: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const news = unwrapSecrets(raw) as Record<string, unknown>;
  const known = Object.keys(configVariables());
  const failures: CheckFailure[] = [];
  for (const [key, value] of Object.entries(news)) {
    if (ENGINE_KEYS.has(key) || value === undefined || value === null || isUnknown(value)) continue;
    if (!known.includes(key)) {
      const closest = closestName(key, known);
      const hint = closest === undefined ? `the settings are ${known.join(", ")}` : `did you mean ${closest} (${NAMESPACE}:${closest})?`;
      failures.push({ property: key, reason: `is not a setting of the ${NAMESPACE} provider: ${hint}` });
      continue;
    }
    const problem = settingProblem(key, value);
    if (problem !== undefined) failures.push({ property: key, reason: problem });
  }
  const token = news["token"];
  const alias = news[TOKEN_ALIAS];
  if (typeof token === "string" && typeof alias === "string" && token !== alias) {
    failures.push({ property: TOKEN_ALIAS, reason: "is another name of token, and both are set to different values: set one of them" });
  }
  return { inputs: wrapKeys(news, [...SECRET_CONFIG, ...secretKeys(raw)]), failures: redactFailures(failures, raw) };
}

/** DiffConfig: which settings changed. No change of a setting replaces the provider (or its certificates). */
export function diffConfig(rawOlds: Record<string, unknown>, rawNews: Record<string, unknown>): { changed: string[]; added: string[]; deleted: string[] } {
  const olds = unwrapSecrets(rawOlds) as Record<string, unknown>;
  const news = unwrapSecrets(rawNews) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => k !== "__internal").sort();
  const present = (m: Record<string, unknown>, k: string) => m[k] !== undefined && m[k] !== null;
  const differs = (k: string) => isUnknown(news[k]) || JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null);
  const changed = keys.filter(differs);
  return {
    changed,
    added: changed.filter((k) => !present(olds, k)),
    deleted: changed.filter((k) => !present(news, k)),
  };
}

/**
 * The StackConfig of Configure: `args` (secrets unwrapped, objects as JSON text, as the dynamic
 * host's config gives them), else `variables`. `authToken` stands in for an unset `token`.
 */
export function stackConfigOf(args: Record<string, unknown> | undefined, variables: Iterable<[string, string]>): StackConfig {
  const values = new Map<string, string>();
  for (const [key, value] of variables) values.set(key.replace(`${NAMESPACE}:config:`, `${NAMESPACE}:`), value);
  for (const [key, value] of Object.entries((unwrapSecrets(args ?? {}) ?? {}) as Record<string, unknown>)) {
    if (ENGINE_KEYS.has(key) || value === undefined || value === null) continue;
    values.set(`${NAMESPACE}:${key}`, typeof value === "string" ? value : JSON.stringify(value));
  }
  const token = `${NAMESPACE}:token`;
  const alias = `${NAMESPACE}:${TOKEN_ALIAS}`;
  return { namespace: NAMESPACE, get: (key) => values.get(key) ?? (key === token ? values.get(alias) : undefined) };
}
