/**
 * The one settings resolver: what an operation sets itself (resource inputs, command-line flags),
 * then stack config (the dynamic provider's `huaweicloud:*` or the plugin's `cce-kubeconfig:*`),
 * then the environment, then what the credentials name (a KooCLI profile's region and project)
 * become one object: where (project, region, cloud, endpoint, IAM URL), who (the credential chain,
 * resolved at the operation's first call, so a password is read only then) and how (retries). Every host reaches
 * it: the ClusterCertificate check (and through it the `cce-kubeconfig` command's flags) for
 * where, the mint core for who, how and the IAM URL of each operation.
 */
import { passed, refused, type CheckFailure, type Checked } from "../config/checked";
import { checkAuthUrl, checkCloud, checkEndpoint, checkRegion, defaultCloudForRegion, regionalEndpoint, resolveAuthUrl } from "../config/endpoint";
import { resolveMaxRetries, resolveSetting, SETTING_SOURCES, sourcesOf, type Environment, type StackConfig } from "../config/settings";
import { cceIdExpected, show } from "../config/show";
import { CCE_ID_PATTERN } from "../constants";
import { credentialsProject, resolveAuthSettings, type AuthSettings, type CredentialsProject } from "../credentials";
import { InvalidInputError, SharedConfigError } from "../errors";
import { isUnknown, UNKNOWN } from "../protocol";

/** The settings an operation may set itself. */
export type ExplicitSetting = "projectId" | "region" | "cloud" | "endpoint";

/** A value the operation set (UNKNOWN at preview), or REFUSED when its own check refused it (already reported). */
export const REFUSED = Symbol("refused");
export type Explicit = Partial<Record<ExplicitSetting, string | typeof REFUSED>>;

export interface SettingsRequest {
  config: StackConfig;
  env: Environment;
  explicit?: Explicit;
}

export type Project = { projectId: string } | { projectName: string } | Record<string, never>;

export interface Where {
  project: Checked<Project>;
  endpoint: Checked<{ endpoint: string; region?: string; cloud?: string }>;
}

export interface ResolvedSettings {
  where: Where;
  /** IAM's URL: the set one, else `https://iam.{region}.{cloud}/v3` of `location` (or the configured region); throws naming the settings when neither. */
  authUrl(location?: { region?: string; cloud?: string }): string;
  /** The credential chain, resolved at the operation's first call (the password is read only when a call is made). */
  who(): AuthSettings;
  how: { maxRetries: number };
  /** A named profile that cannot be read; a set IAM URL that is refused (apart, so a check reports each in its place). */
  failures: { profile: CheckFailure[]; authUrl: CheckFailure[] };
}

interface Sources extends SettingsRequest {
  named: CredentialsProject;
}

/** Explicit, then stack config, then environment, then what the credentials name; UNKNOWN stays UNKNOWN; REFUSED when the explicit value was. */
function lookUp(field: ExplicitSetting, sources: Sources): string | typeof REFUSED | undefined {
  const explicit = sources.explicit?.[field];
  if (explicit === REFUSED || explicit === UNKNOWN) return explicit;
  const named = field === "region" || field === "projectId" ? sources.named[field] : undefined;
  return resolveSetting(field, explicit, sources.config, sources.env) ?? named;
}

function notSet(field: "projectId" | "region", sources: Sources, extra = ""): Checked<never> {
  const s = sourcesOf(sources.config)[field];
  return refused(field, `is not set: looked at the ${field} input, stack config ${s.config} and environment ${s.env}${extra}`);
}

/** A project id from config, env or a profile: the same rule as the input's. */
function checkProjectId(projectId: string): Checked<Project> {
  if (CCE_ID_PATTERN.test(projectId)) return passed({ projectId });
  return refused("projectId", `${cceIdExpected("0123456789abcdef0123456789abcdef")}; got ${show(projectId)}`);
}

/** A set project id, else the IAM project name create looks its id up by: projectName, else the region. Neither names them all. */
function resolveProject(sources: Sources): Checked<Project> {
  const projectId = lookUp("projectId", sources);
  if (projectId === REFUSED) return { ok: false, failures: [] };
  if (projectId !== undefined) return sources.explicit?.projectId === undefined && !isUnknown(projectId) ? checkProjectId(projectId) : passed({ projectId });
  const projectName = resolveSetting("projectName", undefined, sources.config, sources.env);
  if (projectName !== undefined) return passed({ projectName });
  const region = lookUp("region", sources);
  if (region === REFUSED) return passed({});
  if (region !== undefined) return passed({ projectName: region });
  const s = sourcesOf(sources.config);
  return notSet("projectId", sources, `; to look it up at IAM, set the region (input, ${s.region.config} / ${s.region.env}) or the project name (${s.projectName.config} / ${s.projectName.env})`);
}

/** The region (checked) and the cloud (checked, or the region's default); undefined parts where they are missing or refused. */
function regionAndCloud(sources: Sources, failures: CheckFailure[]): { region?: string; cloud?: string } {
  const rawRegion = lookUp("region", sources);
  const rawCloud = lookUp("cloud", sources);
  const take = (checked: Checked<string>) => (checked.ok ? checked.value : (failures.push(...checked.failures), undefined));
  const region =
    rawRegion === REFUSED ? undefined : take(rawRegion === undefined ? notSet("region", sources, ` (or set endpoint / ${SETTING_SOURCES.endpoint.env})`) : isUnknown(rawRegion) ? passed(rawRegion) : checkRegion(rawRegion));
  if (rawCloud === REFUSED) return { region };
  if (rawCloud !== undefined) return { region, cloud: take(isUnknown(rawCloud) ? passed(rawCloud) : checkCloud(rawCloud)) };
  return { region, cloud: region === undefined ? undefined : isUnknown(region) ? UNKNOWN : defaultCloudForRegion(region) };
}

/** A set endpoint (input or HW_CCE_ENDPOINT), else `https://cce.{region}.{cloud}`. */
function resolveEndpoint(sources: Sources): Where["endpoint"] {
  const explicit = lookUp("endpoint", sources);
  if (explicit === REFUSED) return { ok: false, failures: [] };
  if (explicit !== undefined) {
    if (isUnknown(explicit)) return passed({ endpoint: UNKNOWN });
    const checked = checkEndpoint(explicit);
    return checked.ok ? passed({ endpoint: checked.value }) : checked;
  }
  const failures: CheckFailure[] = [];
  const { region, cloud } = regionAndCloud(sources, failures);
  if (failures.length > 0 || region === undefined || cloud === undefined) return { ok: false, failures };
  return passed({ endpoint: isUnknown(region) || isUnknown(cloud) ? UNKNOWN : regionalEndpoint(region, cloud), region, cloud });
}

/** A set IAM URL is checked like the endpoint, so a bad one fails at preview, not at the first sign-in. */
function checkAuthUrlSetting(sources: Sources): CheckFailure[] {
  const raw = resolveSetting("authUrl", undefined, sources.config, sources.env);
  if (raw === undefined) return [];
  const checked = checkAuthUrl(raw);
  const { authUrl } = sourcesOf(sources.config);
  return checked.ok ? [] : checked.failures.map((f) => ({ property: f.property, reason: `(${authUrl.config} / ${authUrl.env}) ${f.reason}` }));
}

function authUrlOf(sources: SettingsRequest, location: { region?: string; cloud?: string } = {}): string {
  const setting = (name: "authUrl" | "region" | "cloud") => resolveSetting(name, undefined, sources.config, sources.env);
  const explicit = setting("authUrl");
  const region = location.region ?? setting("region");
  const settings = explicit !== undefined ? { explicit } : region === undefined ? {} : { region, cloud: location.cloud ?? setting("cloud") };
  const s = sourcesOf(sources.config);
  const url = resolveAuthUrl(settings, { authUrl: `${s.authUrl.config} / ${s.authUrl.env}`, region: `${s.region.config} / ${s.region.env}` });
  if (!url.ok) throw new InvalidInputError(url.failures[0]!.property, url.failures[0]!.reason);
  return url.value;
}

/** The named profile (read once here); one that cannot be used is a failure naming its setting. */
function readNamed(request: SettingsRequest): { named: CredentialsProject; failures: CheckFailure[] } {
  try {
    return { named: credentialsProject(request.config, request.env), failures: [] };
  } catch (error) {
    if (!(error instanceof SharedConfigError)) throw error;
    return { named: {}, failures: [{ property: sourcesOf(request.config).profile.config ?? "profile", reason: error.message }] };
  }
}

/** Resolves an operation's settings once: each part when it is first asked. */
export function resolveSettings(request: SettingsRequest): ResolvedSettings {
  // The named profile is read only when where or failures are asked (a check), not by a mint, which needs who and the IAM URL.
  let named: ReturnType<typeof readNamed> | undefined;
  const sources = (): Sources => ({ ...request, named: (named ??= readNamed(request)).named });
  let where: Where | undefined;
  let who: AuthSettings | undefined;
  return {
    get where() {
      return (where ??= { project: resolveProject(sources()), endpoint: resolveEndpoint(sources()) });
    },
    // The IAM URL reads only settings, never the profile.
    authUrl: (location) => authUrlOf(request, location),
    // Resolved at the operation's first call and kept for its others: a password is read only then, and once.
    who: () => (who ??= resolveAuthSettings(request.config, request.env)),
    how: { maxRetries: resolveMaxRetries(request.config, request.env) },
    get failures() {
      const s = sources();
      return { profile: named!.failures, authUrl: checkAuthUrlSetting(s) };
    },
  };
}
