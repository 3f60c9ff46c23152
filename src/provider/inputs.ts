/**
 * `check`: validates a ClusterCertificate's inputs and resolves their defaults, reporting every
 * failure by input name before anything is sent to CCE.
 */
import {
  checkCloud,
  checkEndpoint,
  checkRegion,
  defaultCloudForRegion,
  regionalEndpoint,
  type Checked,
} from "../config/endpoint";
import { resolveSetting, SETTING_SOURCES, type Environment, type StackConfig } from "../config/settings";
import { CONTEXT_CHOICES, type ContextChoice } from "../kubeconfig/render";

/** The engine's placeholder for a value not known until apply (preview of a new dependency). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Validity when neither `duration` nor `expireAt` is set. @default 365 (days) */
export const DEFAULT_DURATION_DAYS = 365;
/** @default 30 (days), at most a third of `duration` */
export const DEFAULT_RENEW_BEFORE_DAYS = 30;
/**
 * Client-side bound of `duration`: Huawei documents 1..1827 days, Open Telekom Cloud up to 10950
 * (30 years); the server is the arbiter, this only refuses absurd values.
 */
export const MAX_DURATION_DAYS = 10_950;
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

const ID = /^[A-Za-z0-9_-]{1,128}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Shows a bad value without echoing a huge or multi-line string. */
function show(value: unknown): string {
  if (typeof value === "string") return value.length > 64 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

const isUnknown = (v: unknown) => v === UNKNOWN;

/**
 * Validates `news` (the program's inputs) against `olds` (the previous inputs, empty on create).
 * Settings missing from the inputs come from stack config, then the environment.
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
  const optionalString = (name: string): string | undefined => {
    const v = news[name];
    if (v === undefined || v === null || isUnknown(v)) return v === UNKNOWN ? UNKNOWN : undefined;
    if (typeof v !== "string") {
      fail(name, `must be a string, got ${show(v)}`);
      return undefined;
    }
    return v;
  };
  const take = <T>(checked: Checked<T>): T | undefined => {
    if (checked.ok) return checked.value;
    fail(checked.field, checked.reason);
    return undefined;
  };
  const id = (name: string, value: string | undefined, example: string): string => {
    if (value === undefined) return "";
    if (isUnknown(value)) return value;
    if (!ID.test(value)) fail(name, `must be a CCE id such as ${example} (letters, digits, '-' or '_'), got ${show(value)}`);
    return value;
  };

  // clusterId
  const clusterIdRaw = optionalString("clusterId");
  if (clusterIdRaw === undefined && !failures.some((f) => f.property === "clusterId")) {
    fail("clusterId", "is required: the UUID of the CCE cluster");
  }
  const clusterId = id("clusterId", clusterIdRaw, "a UUID");

  // projectId: input, huaweicloud:projectId, HW_PROJECT_ID
  const projectIdRaw = optionalString("projectId");
  const projectIdValue = isUnknown(projectIdRaw) ? UNKNOWN : resolveSetting("projectId", projectIdRaw, config, env);
  if (projectIdValue === undefined) {
    const s = SETTING_SOURCES.projectId;
    fail("projectId", `is not set: looked at the projectId input, stack config ${s.config} and environment ${s.env}`);
  }
  const projectId = id("projectId", projectIdValue, "0123456789abcdef0123456789abcdef");

  // endpoint, or region + cloud
  const endpointRaw = optionalString("endpoint");
  const regionRaw = optionalString("region");
  const cloudRaw = optionalString("cloud");
  let endpoint = "";
  let region: string | undefined;
  let cloud: string | undefined;
  const explicitEndpoint = isUnknown(endpointRaw) ? UNKNOWN : resolveSetting("endpoint", endpointRaw, config, env);
  if (explicitEndpoint !== undefined) {
    endpoint = isUnknown(explicitEndpoint) ? UNKNOWN : (take(checkEndpoint(explicitEndpoint)) ?? "");
  } else {
    region = isUnknown(regionRaw) ? UNKNOWN : resolveSetting("region", regionRaw, config, env);
    if (region === undefined) {
      const s = SETTING_SOURCES.region;
      fail("region", `is not set: looked at the region input, stack config ${s.config} and environment ${s.env} (or set endpoint / ${SETTING_SOURCES.endpoint.env})`);
    } else if (!isUnknown(region)) {
      region = take(checkRegion(region));
    }
    cloud = isUnknown(cloudRaw) ? UNKNOWN : resolveSetting("cloud", cloudRaw, config, env);
    if (cloud !== undefined && !isUnknown(cloud)) cloud = take(checkCloud(cloud));
    if (region !== undefined && cloud === undefined && !isUnknown(region)) cloud = defaultCloudForRegion(region);
    if (region !== undefined && cloud !== undefined) {
      endpoint = isUnknown(region) || isUnknown(cloud) ? UNKNOWN : regionalEndpoint(region, cloud);
    }
  }

  // useLegacyGet
  const legacyRaw = news["useLegacyGet"];
  let useLegacyGet = false;
  if (legacyRaw !== undefined && legacyRaw !== null && !isUnknown(legacyRaw)) {
    if (typeof legacyRaw !== "boolean") fail("useLegacyGet", `must be a boolean, got ${show(legacyRaw)}`);
    else useLegacyGet = legacyRaw;
  }

  // duration
  const durationRaw = news["duration"];
  let duration: number | undefined;
  if (durationRaw !== undefined && durationRaw !== null) {
    if (isUnknown(durationRaw)) duration = durationRaw as unknown as number;
    else if (typeof durationRaw !== "number" || !Number.isInteger(durationRaw)) {
      fail("duration", `must be a whole number of days, or -1 for the maximum; got ${show(durationRaw)}`);
    } else if (durationRaw !== -1 && (durationRaw < 1 || durationRaw > MAX_DURATION_DAYS)) {
      fail("duration", `must be -1 (the maximum) or 1 to ${MAX_DURATION_DAYS} days; got ${durationRaw}`);
    } else duration = durationRaw;
  }

  // expireAt
  const expireAtRaw = optionalString("expireAt");
  let expireAt: string | undefined;
  if (expireAtRaw !== undefined) {
    if (isUnknown(expireAtRaw)) expireAt = expireAtRaw;
    else {
      const ms = ISO_8601.test(expireAtRaw.trim()) ? Date.parse(expireAtRaw.trim()) : NaN;
      if (Number.isNaN(ms)) {
        fail("expireAt", `must be an ISO 8601 date-time such as 2027-01-01T00:00:00Z; got ${show(expireAtRaw)}`);
      } else {
        expireAt = new Date(ms).toISOString();
        // Only a new value must lie ahead: a stored one that has since passed is not re-sent.
        if (expireAt !== olds["expireAt"] && ms < now.getTime() + MIN_EXPIRE_AHEAD_MS) {
          fail("expireAt", `must be at least 15 minutes in the future; got ${expireAt}`);
        }
      }
    }
  }
  if (durationRaw !== undefined && durationRaw !== null && expireAtRaw !== undefined) {
    fail("expireAt", "set either duration or expireAt, not both");
  }
  if (useLegacyGet && (durationRaw != null || expireAtRaw !== undefined)) {
    fail(durationRaw != null ? "duration" : "expireAt", "the discarded GET clustercert call (useLegacyGet) takes no validity; remove it");
  }
  if (!useLegacyGet && duration === undefined && expireAtRaw === undefined && (durationRaw === undefined || durationRaw === null)) {
    duration = DEFAULT_DURATION_DAYS;
  }

  // renewBefore
  const renewRaw = news["renewBefore"];
  let renewBefore = DEFAULT_RENEW_BEFORE_DAYS;
  if (renewRaw !== undefined && renewRaw !== null) {
    if (isUnknown(renewRaw)) renewBefore = renewRaw as unknown as number;
    else if (typeof renewRaw !== "number" || !Number.isFinite(renewRaw) || renewRaw < 0) {
      fail("renewBefore", `must be a number of days >= 0 (0 turns renewal off); got ${show(renewRaw)}`);
    } else renewBefore = renewRaw;
  }
  if (typeof duration === "number" && duration > 0 && typeof renewBefore === "number") {
    if (renewRaw === undefined || renewRaw === null) {
      // A short-lived certificate still renews: the default window is at most a third of its life.
      renewBefore = Math.min(renewBefore, duration / 3);
    } else if (renewBefore >= duration) {
      fail("renewBefore", `(${renewBefore} days) must be less than duration (${duration} days), or every pulumi up would renew`);
    }
  }

  // context
  const contextRaw = news["context"];
  let context: ContextChoice = "auto";
  if (contextRaw !== undefined && contextRaw !== null) {
    if (isUnknown(contextRaw)) context = contextRaw as ContextChoice;
    else if (typeof contextRaw !== "string" || !(CONTEXT_CHOICES as readonly string[]).includes(contextRaw)) {
      fail("context", `must be one of ${CONTEXT_CHOICES.join(", ")}; got ${show(contextRaw)}`);
    } else context = contextRaw as ContextChoice;
  }

  const inputs: CheckedInputs = { clusterId, projectId, endpoint, renewBefore, context, useLegacyGet };
  if (region !== undefined) inputs.region = region;
  if (cloud !== undefined) inputs.cloud = cloud;
  if (duration !== undefined) inputs.duration = duration;
  if (expireAt !== undefined) inputs.expireAt = expireAt;
  return { inputs, failures };
}
