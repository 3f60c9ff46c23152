/**
 * `check`: validates a ClusterCertificate's inputs (zod, field by field: input-schema.ts) and
 * resolves their defaults, reporting every failure by input name before anything is sent to CCE.
 * Each group of inputs has its resolver (cluster, project, endpoint, validity, renewal), which
 * returns a Checked result; checkInputs composes them.
 *
 * Beside the resource's schema rather than in provider/: the `cce-kubeconfig` command checks its
 * flags with these same rules and defaults, and must not load the dynamic provider to do so.
 */
import { MIN_EXPIRE_AHEAD_MS, type ClusterKind } from "../../constants";
import { passed, refused, type CheckFailure, type Checked } from "../../config/checked";
import { checkAuthUrl, checkCloud, checkEndpoint, checkRegion, defaultCloudForRegion, regionalEndpoint } from "../../config/endpoint";
import { resolveSetting, SETTING_SOURCES, sourcesOf, type Environment, type SettingName, type StackConfig } from "../../config/settings";
import { credentialsProject, type CredentialsProject } from "../../credentials";
import { InvalidInputError, SharedConfigError } from "../../errors";
import type { ContextChoice } from "../../kubeconfig/context";
import { INPUT_NAMES, inputFields, type InputField, type ParsedInputs } from "./input-schema";
import { isUnknown, UNKNOWN, unknownInputFailures, type Unknowable } from "../../protocol";

export type { CheckFailure } from "../../config/checked";

/** Validity when neither `duration` nor `expireAt` is set. @default 365 (days) */
export const DEFAULT_DURATION_DAYS = 365;
/** @default 30 (days), at most a third of `duration` */
export const DEFAULT_RENEW_BEFORE_DAYS = 30;

/**
 * Inputs after `check`: defaults resolved, values normalized. At preview any of them may be
 * UNKNOWN (for the string-typed ones, that is one more string value).
 */
export interface CheckedInputs {
  clusterId: string;
  /** Set (input, config, env), or absent: then create looks it up at IAM by `projectName`. */
  projectId?: string;
  /**
   * The IAM project name whose id create looks up, only when no project id is set:
   * huaweicloud:projectName / HW_PROJECT_NAME, else the region. Stored, so a change of it replaces.
   */
  projectName?: string;
  /** Resolved CCE base URL (explicit, or from region and cloud). */
  endpoint: string;
  region?: string;
  cloud?: string;
  duration?: Unknowable<number>;
  /** ISO 8601, normalized to `toISOString()`. */
  expireAt?: string;
  renewBefore: Unknowable<number>;
  context: Unknowable<ContextChoice>;
  useLegacyGet: Unknowable<boolean>;
  /** Which family of cluster APIs: `cce` (standard and Turbo) or `autopilot`. */
  clusterKind: Unknowable<ClusterKind>;
}

/** Inputs as create and update get them: the engine calls those only with every value known. */
export interface KnownInputs extends CheckedInputs {
  duration?: number;
  renewBefore: number;
  context: ContextChoice;
  useLegacyGet: boolean;
  clusterKind: ClusterKind;
}

/** Narrows checked inputs to known ones; an UNKNOWN left at apply is named, not sent to CCE. */
export function knownInputs(inputs: CheckedInputs): KnownInputs {
  for (const [field, value] of Object.entries(inputs)) {
    if (isUnknown(value)) throw new InvalidInputError(field, "is still unknown when the certificate is created");
  }
  return inputs as KnownInputs;
}

/** Each input parsed on its own, so one bad input does not hide the others. */
interface Fields {
  given: ParsedInputs;
  unknown: ReadonlySet<InputField>;
  /** Present but refused; already reported. */
  invalid: ReadonlySet<InputField>;
  failures: CheckFailure[];
}

function parseFields(news: Record<string, unknown>): Fields {
  const given: Record<string, unknown> = {};
  const unknown = new Set<InputField>();
  const invalid = new Set<InputField>();
  const failures: CheckFailure[] = unknownInputFailures(news, INPUT_NAMES, "ClusterCertificate");
  for (const field of INPUT_NAMES) {
    const raw = news[field];
    if (raw === undefined || raw === null) continue;
    if (isUnknown(raw)) {
      unknown.add(field);
      continue;
    }
    const parsed = inputFields[field].safeParse(raw);
    if (parsed.success) {
      given[field] = parsed.data;
    } else {
      invalid.add(field);
      failures.push({ property: field, reason: parsed.error.issues[0]?.message ?? "is invalid" });
    }
  }
  return { given: given as ParsedInputs, unknown, invalid, failures };
}

/** Whether the program set the input at all (a refused or unknown value counts). */
const isPresent = (fields: Fields, field: InputField) =>
  fields.given[field] !== undefined || fields.unknown.has(field) || fields.invalid.has(field);

interface Sources {
  config: StackConfig;
  env: Environment;
  /** What the credentials name (a KooCLI profile's region and project id). */
  named: CredentialsProject;
}

/** Input, then stack config, then environment, then what the credentials name; UNKNOWN stays UNKNOWN; undefined when not set anywhere. */
function lookUp(fields: Fields, field: InputField & SettingName, sources: Sources): string | undefined {
  if (fields.unknown.has(field)) return UNKNOWN;
  const named = field === "region" || field === "projectId" ? sources.named[field] : undefined;
  return resolveSetting(field, fields.given[field] as string | undefined, sources.config, sources.env) ?? named;
}

/** The named profile and what the credentials name, read once per check; a profile that cannot be used is a failure naming it. */
function readCredentialsProject(config: StackConfig, env: Environment): { named: CredentialsProject; failures: CheckFailure[] } {
  try {
    return { named: credentialsProject(config, env), failures: [] };
  } catch (error) {
    if (!(error instanceof SharedConfigError)) throw error;
    return { named: {}, failures: [{ property: sourcesOf(config).profile.config ?? "profile", reason: error.message }] };
  }
}

function notSet(field: "projectId" | "region", sources: Sources, extra = ""): Checked<never> {
  const s = sourcesOf(sources.config)[field];
  return refused(field, `is not set: looked at the ${field} input, stack config ${s.config} and environment ${s.env}${extra}`);
}

function resolveClusterId(fields: Fields): Checked<string> {
  if (fields.unknown.has("clusterId")) return passed(UNKNOWN);
  if (fields.invalid.has("clusterId")) return { ok: false, failures: [] };
  const clusterId = fields.given.clusterId;
  return clusterId === undefined ? refused("clusterId", "is required: the UUID of the CCE cluster") : passed(clusterId);
}

type Project = { projectId: string } | { projectName: string } | Record<string, never>;

/**
 * A set project id (input, config, env), else the IAM project name create looks its id up by:
 * huaweicloud:projectName / HW_PROJECT_NAME, else the region. Neither names them all.
 */
function resolveProject(fields: Fields, sources: Sources): Checked<Project> {
  if (fields.invalid.has("projectId")) return { ok: false, failures: [] };
  const projectId = lookUp(fields, "projectId", sources);
  if (projectId !== undefined) {
    if (fields.given.projectId === undefined && !isUnknown(projectId)) {
      // From config or env: the same rules as the input.
      const parsed = inputFields.projectId.safeParse(projectId);
      if (!parsed.success) return refused("projectId", parsed.error.issues[0]?.message ?? "is invalid");
    }
    return passed({ projectId });
  }
  const projectName = resolveSetting("projectName", undefined, sources.config, sources.env);
  if (projectName !== undefined) return passed({ projectName });
  if (fields.invalid.has("region")) return passed({});
  const region = lookUp(fields, "region", sources);
  if (region !== undefined) return passed({ projectName: region });
  const s = sourcesOf(sources.config);
  return notSet(
    "projectId",
    sources,
    `; to look it up at IAM, set the region (input, ${s.region.config} / ${s.region.env}) or the project name (${s.projectName.config} / ${s.projectName.env})`,
  );
}

interface Endpoint {
  endpoint: string;
  region?: string;
  cloud?: string;
}

/** An explicit endpoint (input or HW_CCE_ENDPOINT), else `https://cce.{region}.{cloud}`. */
function resolveEndpoint(fields: Fields, sources: Sources): Checked<Endpoint> {
  if (fields.invalid.has("endpoint")) return { ok: false, failures: [] };
  const explicit = lookUp(fields, "endpoint", sources);
  if (explicit !== undefined) {
    if (isUnknown(explicit)) return passed({ endpoint: UNKNOWN });
    const checked = checkEndpoint(explicit);
    return checked.ok ? passed({ endpoint: checked.value }) : checked;
  }

  const failures: CheckFailure[] = [];
  let region: string | undefined;
  if (!fields.invalid.has("region")) {
    const raw = lookUp(fields, "region", sources);
    const checked = raw === undefined ? notSet("region", sources, ` (or set endpoint / ${SETTING_SOURCES.endpoint.env})`) : isUnknown(raw) ? passed(raw) : checkRegion(raw);
    if (checked.ok) region = checked.value;
    else failures.push(...checked.failures);
  }
  let cloud: string | undefined;
  if (!fields.invalid.has("cloud")) {
    const raw = lookUp(fields, "cloud", sources);
    if (raw !== undefined) {
      const checked = isUnknown(raw) ? passed(raw) : checkCloud(raw);
      if (checked.ok) cloud = checked.value;
      else failures.push(...checked.failures);
    } else if (region !== undefined) {
      cloud = isUnknown(region) ? UNKNOWN : defaultCloudForRegion(region);
    }
  }
  if (failures.length > 0 || region === undefined || cloud === undefined) return { ok: false, failures };
  const endpoint = isUnknown(region) || isUnknown(cloud) ? UNKNOWN : regionalEndpoint(region, cloud);
  return passed({ endpoint, region, cloud });
}

interface Validity {
  duration?: Unknowable<number>;
  expireAt?: string;
  useLegacyGet: Unknowable<boolean>;
}

/**
 * `duration` or `expireAt` (or neither, with the legacy GET); `duration` defaults to 365 days.
 * Autopilot clusters take `duration` only, with the POST.
 */
function resolveValidity(fields: Fields, olds: Record<string, unknown>, now: Date, kind: Unknowable<ClusterKind>): Checked<Validity> {
  const { given, unknown } = fields;
  const useLegacyGet: Unknowable<boolean> = unknown.has("useLegacyGet") ? UNKNOWN : (given.useLegacyGet ?? false);
  const duration: Unknowable<number> | undefined = unknown.has("duration") ? UNKNOWN : given.duration;
  const expireAt = unknown.has("expireAt") ? UNKNOWN : given.expireAt;
  const hasDuration = isPresent(fields, "duration");
  const hasExpireAt = isPresent(fields, "expireAt");

  const failures: CheckFailure[] = [];
  // Only a new value must lie ahead: a stored one that has since passed is not re-sent.
  if (expireAt !== undefined && !isUnknown(expireAt) && expireAt !== olds["expireAt"]) {
    if (Date.parse(expireAt) < now.getTime() + MIN_EXPIRE_AHEAD_MS) {
      failures.push({ property: "expireAt", reason: `must be at least 15 minutes in the future; got ${expireAt}` });
    }
  }
  if (hasDuration && hasExpireAt) failures.push({ property: "expireAt", reason: "set either duration or expireAt, not both" });
  if (useLegacyGet === true && (hasDuration || hasExpireAt)) {
    failures.push({
      property: hasDuration ? "duration" : "expireAt",
      reason: "the discarded GET clustercert call (useLegacyGet) takes no validity; remove it",
    });
  }
  if (kind === "autopilot") {
    if (hasExpireAt) {
      failures.push({ property: "expireAt", reason: 'Autopilot clusters (clusterKind "autopilot") take a duration only: their clustercert call has no expire_at' });
    }
    if (useLegacyGet === true) {
      failures.push({ property: "useLegacyGet", reason: 'Autopilot clusters (clusterKind "autopilot") have no GET clustercert call; remove useLegacyGet' });
    }
  }
  if (failures.length > 0) return { ok: false, failures };

  const validity: Validity = { useLegacyGet };
  if (duration !== undefined) validity.duration = duration;
  else if (useLegacyGet === false && !hasDuration && !hasExpireAt) validity.duration = DEFAULT_DURATION_DAYS;
  if (expireAt !== undefined) validity.expireAt = expireAt;
  return passed(validity);
}

/**
 * The IAM URL, when set (password sign-in and agencies use it): checked like the endpoint, so a
 * bad one fails at preview, not at the first sign-in. Unset, it is derived when needed.
 */
function checkAuthUrlSetting(sources: Sources): CheckFailure[] {
  const raw = resolveSetting("authUrl", undefined, sources.config, sources.env);
  if (raw === undefined) return [];
  const checked = checkAuthUrl(raw);
  const { authUrl } = sourcesOf(sources.config);
  const names = `${authUrl.config} / ${authUrl.env}`;
  return checked.ok ? [] : checked.failures.map((f) => ({ property: f.property, reason: `(${names}) ${f.reason}` }));
}

/** `renewBefore`: 30 days by default, at most a third of a shorter `duration`, always less than it. */
function resolveRenewal(fields: Fields, duration: Unknowable<number> | undefined): Checked<Unknowable<number>> {
  if (fields.invalid.has("renewBefore")) return { ok: false, failures: [] };
  if (fields.unknown.has("renewBefore")) return passed(UNKNOWN);
  const given = fields.given.renewBefore;
  if (typeof duration !== "number" || duration <= 0) return passed(given ?? DEFAULT_RENEW_BEFORE_DAYS);
  // A short-lived certificate still renews: the default window is at most a third of its life.
  if (given === undefined) return passed(Math.min(DEFAULT_RENEW_BEFORE_DAYS, duration / 3));
  if (given >= duration) {
    return refused("renewBefore", `(${given} days) must be less than duration (${duration} days), or every pulumi up would renew`);
  }
  return passed(given);
}

/**
 * Validates `news` (the program's inputs) against `olds` (the previous inputs, empty on create).
 * Settings missing from the inputs come from stack config, then the environment. Unknown values
 * (a preview before a dependency exists) pass through unchecked.
 */
export function checkInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  config: StackConfig,
  env: Environment,
  now: Date = new Date(),
): { inputs: CheckedInputs; failures: CheckFailure[] } {
  const fields = parseFields(news);
  const { named, failures: credentialFailures } = readCredentialsProject(config, env);
  const sources: Sources = { config, env, named };
  const failures = [...fields.failures, ...credentialFailures];
  const value = <T>(checked: Checked<T>): T | undefined => {
    if (checked.ok) return checked.value;
    failures.push(...checked.failures);
    return undefined;
  };

  const clusterId = value(resolveClusterId(fields)) ?? "";
  const project = value(resolveProject(fields, sources)) ?? {};
  const endpoint = value(resolveEndpoint(fields, sources));
  const clusterKind: Unknowable<ClusterKind> = fields.unknown.has("clusterKind") ? UNKNOWN : (fields.given.clusterKind as ClusterKind | undefined) ?? "cce";
  const validity = value(resolveValidity(fields, olds, now, clusterKind));
  // A conflict between validity inputs does not hide a renewBefore that is too long for the duration.
  const renewBefore = value(resolveRenewal(fields, validity?.duration ?? fields.given.duration)) ?? DEFAULT_RENEW_BEFORE_DAYS;
  const context: Unknowable<ContextChoice> = fields.unknown.has("context") ? UNKNOWN : (fields.given.context as ContextChoice | undefined) ?? "auto";
  failures.push(...checkAuthUrlSetting(sources));

  const inputs: CheckedInputs = {
    clusterId,
    ...project,
    endpoint: endpoint?.endpoint ?? "",
    renewBefore,
    context,
    useLegacyGet: validity?.useLegacyGet ?? fields.given.useLegacyGet ?? false,
    clusterKind,
  };
  if (endpoint?.region !== undefined) inputs.region = endpoint.region;
  if (endpoint?.cloud !== undefined) inputs.cloud = endpoint.cloud;
  if (validity?.duration !== undefined) inputs.duration = validity.duration;
  if (validity?.expireAt !== undefined) inputs.expireAt = validity.expireAt;
  return { inputs, failures };
}
