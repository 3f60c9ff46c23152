/**
 * `check`: validates a ClusterCertificate's inputs (zod, field by field: input-schema.ts) and
 * resolves their defaults, reporting every failure by input name before anything is sent to CCE.
 * Where the cluster is (project, region, cloud, endpoint, the IAM URL's check) is the settings
 * resolver's (settings/resolve.ts), which takes these inputs as the operation's explicit values;
 * what is left here is the checking of the inputs themselves (cluster, validity, renewal, context),
 * each returning a Checked result that checkInputs composes.
 *
 * Beside the resource's schema rather than in provider/: the `cce-kubeconfig` command checks its
 * flags with these same rules and defaults, and must not load the dynamic provider to do so.
 */
import { MIN_EXPIRE_AHEAD_MS, type ClusterKind } from "../../constants";
import { passed, refused, type CheckFailure, type Checked } from "../../config/checked";
import type { Environment, StackConfig } from "../../config/settings";
import { REFUSED, resolveSettings, type Explicit } from "../../settings/resolve";
import { InvalidInputError } from "../../errors";
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

/** The where-inputs as the settings resolver takes them: a value, UNKNOWN, or REFUSED when their own check failed. */
function explicitOf(fields: Fields): Explicit {
  const explicit: Explicit = {};
  for (const field of ["projectId", "region", "cloud", "endpoint"] as const) {
    if (fields.invalid.has(field)) explicit[field] = REFUSED;
    else if (fields.unknown.has(field)) explicit[field] = UNKNOWN;
    else if (fields.given[field] !== undefined) explicit[field] = fields.given[field] as string;
  }
  return explicit;
}

function resolveClusterId(fields: Fields): Checked<string> {
  if (fields.unknown.has("clusterId")) return passed(UNKNOWN);
  if (fields.invalid.has("clusterId")) return { ok: false, failures: [] };
  const clusterId = fields.given.clusterId;
  return clusterId === undefined ? refused("clusterId", "is required: the UUID of the CCE cluster") : passed(clusterId);
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
  const settings = resolveSettings({ config, env, explicit: explicitOf(fields) });
  const failures = [...fields.failures, ...settings.failures.profile];
  const value = <T>(checked: Checked<T>): T | undefined => {
    if (checked.ok) return checked.value;
    failures.push(...checked.failures);
    return undefined;
  };

  const clusterId = value(resolveClusterId(fields)) ?? "";
  const project = value(settings.where.project) ?? {};
  const endpoint = value(settings.where.endpoint);
  const clusterKind: Unknowable<ClusterKind> = fields.unknown.has("clusterKind") ? UNKNOWN : (fields.given.clusterKind as ClusterKind | undefined) ?? "cce";
  const validity = value(resolveValidity(fields, olds, now, clusterKind));
  // A conflict between validity inputs does not hide a renewBefore that is too long for the duration.
  const renewBefore = value(resolveRenewal(fields, validity?.duration ?? fields.given.duration)) ?? DEFAULT_RENEW_BEFORE_DAYS;
  const context: Unknowable<ContextChoice> = fields.unknown.has("context") ? UNKNOWN : (fields.given.context as ContextChoice | undefined) ?? "auto";
  failures.push(...settings.failures.authUrl);

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
