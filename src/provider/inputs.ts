/**
 * `check`: validates a ClusterCertificate's inputs (zod, field by field: input-schema.ts) and
 * resolves their defaults, reporting every failure by input name before anything is sent to CCE.
 */
import {
  checkCloud,
  checkEndpoint,
  checkRegion,
  defaultCloudForRegion,
  regionalEndpoint,
  type Checked,
} from "../config/endpoint";
import { resolveSetting, SETTING_SOURCES, type Environment, type SettingName, type StackConfig } from "../config/settings";
import type { ContextChoice } from "../kubeconfig/render";
import { inputFields, type InputField, type ParsedInputs } from "./input-schema";

/** The engine's placeholder for a value not known until apply (preview of a new dependency). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Validity when neither `duration` nor `expireAt` is set. @default 365 (days) */
export const DEFAULT_DURATION_DAYS = 365;
/** @default 30 (days), at most a third of `duration` */
export const DEFAULT_RENEW_BEFORE_DAYS = 30;
/** The API refuses an `expire_at` less than 15 minutes ahead. */
export const MIN_EXPIRE_AHEAD_MS = 15 * 60_000;

/** Inputs after `check`: defaults resolved, values normalized. Any value may still be UNKNOWN. */
export interface CheckedInputs {
  clusterId: string;
  projectId: string;
  /** Resolved CCE base URL (explicit, or from region and cloud). */
  endpoint: string;
  region?: string;
  cloud?: string;
  duration?: number;
  /** ISO 8601, normalized to `toISOString()`. */
  expireAt?: string;
  renewBefore: number;
  context: ContextChoice;
  useLegacyGet: boolean;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

const isUnknown = (v: unknown) => v === UNKNOWN;

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
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });

  // Each field on its own, so one bad field does not hide the others.
  const given: ParsedInputs = {};
  const unknown = new Set<InputField>();
  for (const field of Object.keys(inputFields) as InputField[]) {
    const raw = news[field];
    if (raw === undefined || raw === null) continue;
    if (isUnknown(raw)) {
      unknown.add(field);
      continue;
    }
    const parsed = inputFields[field].safeParse(raw);
    if (parsed.success) (given as Record<string, unknown>)[field] = parsed.data;
    else fail(field, parsed.error.issues[0]?.message ?? "is invalid");
  }
  const failed = (field: InputField) => failures.some((f) => f.property === field);
  const present = (field: InputField) => given[field] !== undefined || unknown.has(field) || failed(field);
  const take = <T>(checked: Checked<T>): T | undefined => {
    if (checked.ok) return checked.value;
    fail(checked.field, checked.reason);
    return undefined;
  };
  /** Input, then stack config, then environment; UNKNOWN stays UNKNOWN. */
  const resolve = (field: InputField & SettingName): string | undefined =>
    unknown.has(field) ? UNKNOWN : failed(field) ? undefined : resolveSetting(field, given[field] as string | undefined, config, env);
  const notSet = (field: "projectId" | "region", extra = "") => {
    const s = SETTING_SOURCES[field];
    fail(field, `is not set: looked at the ${field} input, stack config ${s.config} and environment ${s.env}${extra}`);
  };

  if (!present("clusterId")) fail("clusterId", "is required: the UUID of the CCE cluster");
  const clusterId = unknown.has("clusterId") ? UNKNOWN : (given.clusterId ?? "");

  const projectId = resolve("projectId");
  if (projectId === undefined && !failed("projectId")) notSet("projectId");
  else if (projectId !== undefined && given.projectId === undefined && !isUnknown(projectId)) {
    // From config or env: the same rules as the input.
    const parsed = inputFields.projectId.safeParse(projectId);
    if (!parsed.success) fail("projectId", parsed.error.issues[0]?.message ?? "is invalid");
  }

  // endpoint, or region + cloud
  let endpoint = "";
  let region: string | undefined;
  let cloud: string | undefined;
  const explicitEndpoint = resolve("endpoint");
  if (explicitEndpoint !== undefined) {
    endpoint = isUnknown(explicitEndpoint) ? UNKNOWN : (take(checkEndpoint(explicitEndpoint)) ?? "");
  } else if (!failed("endpoint")) {
    region = resolve("region");
    if (region === undefined && !failed("region")) notSet("region", ` (or set endpoint / ${SETTING_SOURCES.endpoint.env})`);
    else if (region !== undefined && !isUnknown(region)) region = take(checkRegion(region));
    cloud = resolve("cloud");
    if (cloud !== undefined && !isUnknown(cloud)) cloud = take(checkCloud(cloud));
    if (region !== undefined && cloud === undefined && !isUnknown(region) && !failed("cloud")) cloud = defaultCloudForRegion(region);
    if (region !== undefined && cloud !== undefined) {
      endpoint = isUnknown(region) || isUnknown(cloud) ? UNKNOWN : regionalEndpoint(region, cloud);
    }
  }

  // validity: duration or expireAt (or neither with the legacy GET)
  const useLegacyGet = unknown.has("useLegacyGet") ? (UNKNOWN as unknown as boolean) : (given.useLegacyGet ?? false);
  let duration: number | undefined = unknown.has("duration") ? (UNKNOWN as unknown as number) : given.duration;
  const expireAt = unknown.has("expireAt") ? UNKNOWN : given.expireAt;
  if (expireAt !== undefined && !isUnknown(expireAt) && expireAt !== olds["expireAt"]) {
    // Only a new value must lie ahead: a stored one that has since passed is not re-sent.
    if (Date.parse(expireAt) < now.getTime() + MIN_EXPIRE_AHEAD_MS) fail("expireAt", `must be at least 15 minutes in the future; got ${expireAt}`);
  }
  if (present("duration") && present("expireAt")) fail("expireAt", "set either duration or expireAt, not both");
  if (useLegacyGet && (present("duration") || present("expireAt"))) {
    fail(present("duration") ? "duration" : "expireAt", "the discarded GET clustercert call (useLegacyGet) takes no validity; remove it");
  }
  if (!useLegacyGet && !present("duration") && !present("expireAt")) duration = DEFAULT_DURATION_DAYS;

  let renewBefore = unknown.has("renewBefore") ? (UNKNOWN as unknown as number) : (given.renewBefore ?? DEFAULT_RENEW_BEFORE_DAYS);
  if (typeof duration === "number" && duration > 0 && typeof renewBefore === "number") {
    if (!present("renewBefore")) {
      // A short-lived certificate still renews: the default window is at most a third of its life.
      renewBefore = Math.min(renewBefore, duration / 3);
    } else if (renewBefore >= duration) {
      fail("renewBefore", `(${renewBefore} days) must be less than duration (${duration} days), or every pulumi up would renew`);
    }
  }
  const context = (unknown.has("context") ? UNKNOWN : (given.context ?? "auto")) as ContextChoice;

  const inputs: CheckedInputs = { clusterId, projectId: projectId ?? "", endpoint, renewBefore, context, useLegacyGet };
  if (region !== undefined) inputs.region = region;
  if (cloud !== undefined) inputs.cloud = cloud;
  if (duration !== undefined) inputs.duration = duration;
  if (expireAt !== undefined) inputs.expireAt = expireAt;
  return { inputs, failures };
}
