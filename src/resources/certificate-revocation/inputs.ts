/**
 * `check` of a CertificateRevocation: its own inputs (exactly one of `userId` / `agencyId`,
 * `triggers`) with zod, field by field; the location inputs it shares with ClusterCertificate
 * (cluster, project, region, cloud, endpoint, kind) through the same checkInputs, so a revoke is
 * sent where a mint would be. Every failure names its input; nothing is sent to CCE.
 */
import { z } from "zod";
import { CCE_ID_PATTERN, type ClusterKind } from "../../constants";
import type { CheckFailure } from "../../config/checked";
import type { Environment, StackConfig } from "../../config/settings";
import { checkInputs, type CheckedInputs } from "../cluster-certificate/inputs";
import { show } from "../cluster-certificate/input-schema";
import { isUnknown, unknownInputFailures, type Unknowable } from "../../protocol";

/** The inputs shared with ClusterCertificate, checked by checkInputs. */
const LOCATION_INPUTS = ["clusterId", "projectId", "region", "cloud", "endpoint", "clusterKind"] as const;
/** Every input, in the order of the documentation. */
export const REVOCATION_INPUT_NAMES = [...LOCATION_INPUTS, "userId", "agencyId", "triggers"] as const;

const got = (expected: string) => ({ error: (issue: { input?: unknown }) => `${expected}; got ${show(issue.input)}` });
/** An id field's refusal names its length, never its text: a secret pasted into the wrong input must not reach the engine's output. */
const gotLength = (expected: string) => ({
  error: (issue: { input?: unknown }) => `${expected}; got ${typeof issue.input === "string" ? `a ${issue.input.length}-character string` : show(issue.input)}`,
});
const id = z
  .string(got("must be a string"))
  .trim()
  .regex(CCE_ID_PATTERN, gotLength("must be 1 to 128 letters, digits, '-' or '_' (an IAM user or agency id is 32 hex characters)"));
const ownFields = {
  userId: id,
  agencyId: id,
  // Any values: their change is what matters (diff compares them), as pulumi-command's triggers.
  triggers: z.array(z.unknown(), got("must be an array")),
} as const;

/** After check; at a preview a value may still be the engine's UNKNOWN. */
export interface RevocationInputs extends Pick<CheckedInputs, "clusterId" | "projectId" | "projectName" | "endpoint" | "region" | "cloud"> {
  clusterKind: Unknowable<ClusterKind>;
  userId?: string;
  agencyId?: string;
  triggers?: unknown[];
}

/** Checks `news`: unknown inputs, the location (as ClusterCertificate), the ids, triggers and the cluster family. */
export function checkRevocationInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  config: StackConfig,
  env: Environment,
  now: Date,
): { inputs: RevocationInputs; failures: CheckFailure[] } {
  const failures = unknownInputFailures(news, REVOCATION_INPUT_NAMES, "CertificateRevocation");
  const location = Object.fromEntries(LOCATION_INPUTS.filter((n) => news[n] !== undefined && news[n] !== null).map((n) => [n, news[n]]));
  const checked = checkInputs(olds, location, config, env, now);
  failures.push(...checked.failures);
  const { clusterId, projectId, projectName, endpoint, region, cloud, clusterKind } = checked.inputs;
  const inputs: RevocationInputs = { clusterId, endpoint, clusterKind };
  if (projectId !== undefined) inputs.projectId = projectId;
  if (projectName !== undefined) inputs.projectName = projectName;
  if (region !== undefined) inputs.region = region;
  if (cloud !== undefined) inputs.cloud = cloud;

  for (const name of ["userId", "agencyId", "triggers"] as const) {
    const raw = news[name];
    if (raw === undefined || raw === null) continue;
    if (isUnknown(raw)) {
      (inputs as unknown as Record<string, unknown>)[name] = raw;
      continue;
    }
    const parsed = ownFields[name].safeParse(raw);
    if (parsed.success) (inputs as unknown as Record<string, unknown>)[name] = parsed.data;
    else failures.push({ property: name, reason: parsed.error.issues[0]?.message ?? "is invalid" });
  }
  const given = (["userId", "agencyId"] as const).filter((n) => news[n] !== undefined && news[n] !== null);
  if (given.length !== 1) {
    failures.push({ property: "userId", reason: "set exactly one of userId or agencyId: whose certificates (every one, on this cluster) to revoke" });
  }
  if (clusterKind === "autopilot") {
    failures.push({ property: "clusterKind", reason: "Autopilot clusters document no clustercertrevoke call; revoke their certificates from the CCE console" });
  }
  return { inputs, failures };
}
