/**
 * The credential chain: its sources in order. The order is this array, and everything that
 * depends on it is derived from it: resolveAuthSettings walks it, the conflict warning and the
 * no-credentials error quote it, the README's table is rendered from it, and the exec cache names
 * a method by the behaviour of the source module that owns its kind. Adding a source is one module
 * and one line here.
 */
import type { Environment, StackConfig } from "../config/settings";
import { agencyLayer, resolveAgency } from "./agency";
import { ecsMetadata } from "./ecs-metadata";
import { keyPair } from "./key-pair";
import { koocliProfile } from "./koocli-profile";
import { oidc } from "./oidc";
import { password } from "./password";
import { podIdentity } from "./pod-identity";
import { settingsReader } from "./reader";
import { sdkCredentialsFile } from "./sdk-credentials-file";
import { sdkEnvironment } from "./sdk-environment";
import { sdkOidc } from "./sdk-oidc";
import type { ChainSource, Layer, LayerOptions, MethodBehaviour } from "./source";
import { token } from "./token";
import type { AuthMethod, AuthSettings } from "./types";

/**
 * The Terraform provider's order for its own settings (a named profile, OIDC, token, keys,
 * password), then the official SDKs' variables and file in their own order, then what the
 * machine provides (a CCE pod's identity, the ECS instance's metadata). README, "Credentials",
 * argues each place.
 */
export const CREDENTIAL_CHAIN: readonly ChainSource[] = [
  koocliProfile,
  oidc,
  token,
  keyPair,
  password,
  sdkOidc,
  sdkEnvironment,
  sdkCredentialsFile,
  podIdentity,
  ecsMetadata,
];

/** The behaviour of a method kind: from the source module of `chain` that owns it. */
export function methodBehaviour(kind: string, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): MethodBehaviour {
  const behaviour = chain.flatMap((s) => s.methods ?? []).find((m) => m.kind === kind);
  if (behaviour === undefined) throw new Error(`no source of the credential chain owns the method kind ${JSON.stringify(kind)}`);
  return behaviour;
}

/** How the warning names a method of `kind`: `an IAM token`. */
export const methodName = (kind: string, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string => methodBehaviour(kind, chain).label;

/** `a KooCLI profile you name, then OIDC federation, then ...`: the order as the warning quotes it. */
export const orderText = (chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string => chain.map((s) => s.label).join(", then ");

/** The error when no source is complete and the last one (the metadata service) gives nothing either. */
export function noCredentialsMessage(config: StackConfig, env: Environment, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string {
  const read = settingsReader(config, env, () => "");
  return (
    "no CCE credentials found: set an IAM token, an access key pair, or a user name and password. " +
    `Looked at stack config, environment and files, in this order: ${chain.map((s) => s.lookedAt(read)).join("; ")}`
  );
}

/**
 * Walks the chain: every source is asked, the first complete one is used and the other complete
 * ones are named in `ignored` (for one warning); a fallback source (the metadata service) only
 * when none is complete. An agency, when set, is assumed on top of whichever method is used.
 */
export function resolveAuthSettings(config: StackConfig, env: Environment, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): AuthSettings {
  const read = settingsReader(config, env, () => noCredentialsMessage(config, env, chain));
  const complete: AuthMethod[] = [];
  for (const source of chain) {
    if (source.fallback) continue;
    const method = source.detect(read, complete.length > 0);
    if (method !== undefined) complete.push(method);
  }
  const fallback = chain.find((s) => s.fallback)?.detect(read, false);
  const [method, ...ignored] = complete.length > 0 ? complete : fallback !== undefined ? [fallback] : [];
  if (method === undefined) throw new Error("the credential chain has no fallback source");
  const agency = resolveAgency(config, env) ?? chain.map((s) => s.agency?.(read)).find((a) => a !== undefined);
  const described = ignored.map((m) => `${methodName(m.kind, chain)} (${m.from})`);
  return agency === undefined ? { method, ignored: described } : { method, agency, ignored: described };
}

/** The warning for more than one complete set of credentials: which one is used, by setting names only. */
export function conflictWarning(settings: AuthSettings, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string | undefined {
  if (settings.ignored.length === 0) return undefined;
  return (
    `pulumi-cce-kubeconfig: more than one set of CCE credentials is configured; using ${methodName(settings.method.kind, chain)} (${settings.method.from}) ` +
    `and ignoring ${settings.ignored.join(" and ")}. The order is: ${orderText(chain)} ` +
    "(the README's Credentials table); unset the ones you do not mean to use."
  );
}

/** The layers that sign as `settings`: the method's, and the agency's on top when one is set. */
export function signingLayers(settings: AuthSettings, options: LayerOptions, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): Layer[] {
  const base = methodBehaviour(settings.method.kind, chain).layer(settings.method, options);
  return settings.agency === undefined ? [base] : [base, agencyLayer(settings.agency, base, options)];
}

/** The README's table of the order (config keys in the dynamic provider's namespace). */
export function credentialOrderTable(chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const config = (keys: string) => keys.replace(/`([a-z][a-zA-Z]+)`/g, "`huaweicloud:$1`");
  const rows = chain.map((s, i) => `| ${i + 1} | ${cell(s.label)} | ${cell(config(s.row.config))} | ${cell(s.row.env)} | ${cell(s.row.note)} |`);
  return [
    "| # | method | stack config | environment | notes |",
    "|---|---|---|---|---|",
    ...rows,
    "| + | an agency, on top of any of them | `huaweicloud:assumeRole` | `HW_ASSUME_ROLE_AGENCY_NAME` + `HW_ASSUME_ROLE_DOMAIN_NAME` (or `_DOMAIN_ID`) | its temporary keys sign the CCE calls |",
  ].join("\n");
}
