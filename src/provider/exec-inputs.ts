/**
 * `check` of an ExecKubeconfig: the cluster inputs it shares with ClusterCertificate go through the
 * same checks (checkInputs: ids, endpoint, region, cloud, kind, context, duration, the project
 * lookup), and its own two (`command`, `contextName`) are checked here. An input of neither is
 * refused naming the closest one, as for ClusterCertificate.
 *
 * What the kubeconfig's command is told: the settings the program gave as inputs, and the
 * non-secret location settings of the stack config (`huaweicloud:projectId`, `region`, `cloud`),
 * become flags of its `credential` arguments, because the command cannot read the stack. Settings
 * left to the environment (`HW_PROJECT_ID`, `HW_CCE_ENDPOINT`, …) stay there: the command reads
 * them where it runs. Credentials never become arguments.
 */
import { z } from "zod";
import type { ClusterKind } from "../constants";
import type { ContextChoice } from "../kubeconfig/context";
import type { CheckFailure } from "../config/checked";
import { resolveSetting, type Environment, type StackConfig } from "../config/settings";
import { DEFAULT_EXEC_DURATION_DAYS, ttlMs, type ClusterSelection } from "../exec/arguments";
import { InvalidInputError } from "../errors";
import { isUnknown, unknownInputFailures, type Unknowable } from "../protocol";
import { checkInputs, type CheckedInputs } from "../resources/cluster-certificate/inputs";
import { show } from "../resources/cluster-certificate/input-schema";

/** The command's name, found on PATH of whatever runs the kubeconfig (kubectl, the Kubernetes provider). */
export const DEFAULT_EXEC_COMMAND = "cce-kubeconfig";

/** The inputs an ExecKubeconfig shares with ClusterCertificate, checked by checkInputs. */
const SHARED_INPUTS = ["clusterId", "projectId", "region", "cloud", "endpoint", "clusterKind", "context", "duration"] as const;
/** Every input of an ExecKubeconfig, in the order of its documentation. */
export const EXEC_INPUT_NAMES = [...SHARED_INPUTS, "ttl", "command", "contextName"] as const;

/** Location settings of the stack config that the command is given as flags (it cannot read the stack). */
const PINNED_FROM_CONFIG = ["projectId", "region", "cloud"] as const;

const got = (expected: string) => ({ error: (issue: { input?: unknown }) => `${expected}; got ${show(issue.input)}` });
const ownFields = {
  // A path or a name; one line, since kubectl runs it as given.
  command: z.string(got("must be a string")).trim().min(1, got("must not be empty")).regex(/^[^\n\r\0]+$/, got("must be one line")),
  // kubeconfig entry names: kubectl takes any string, but one the shell and `kubectl config` handle plainly is kinder.
  contextName: z
    .string(got("must be a string"))
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}$/, got("must be 1 to 253 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit")),
  // The command's --ttl grammar and bounds (exec/arguments.ts ttlMs), checked here so a bad one fails at preview.
  ttl: z.string(got("must be a string")).trim().refine(
    (value) => {
      try {
        ttlMs(value);
        return true;
      } catch {
        return false;
      }
    },
    got("must be a whole number with a unit m, h, d or y, from 15m (CCE's minimum for expire_at) to 5y"),
  ),
};

/** The inputs after check; any value may still be UNKNOWN at a preview. */
export interface ExecCheckedInputs extends Pick<CheckedInputs, "clusterId" | "projectId" | "projectName" | "endpoint" | "region" | "cloud" | "context" | "clusterKind"> {
  duration: Unknowable<number>;
  command: string;
  contextName: string;
  /** `--ttl` written into the exec args; absent with a duration, or when the command's default (1 hour) applies. */
  ttl?: string;
  /** The `credential` arguments' cluster, project and endpoint flags (arguments.ts credentialArguments). */
  selection: ClusterSelection;
}

/** Inputs as create and update get them: every value known. */
export interface ExecKnownInputs extends ExecCheckedInputs {
  duration: number;
  context: ContextChoice;
  clusterKind: ClusterKind;
}

/** Narrows to known inputs; an UNKNOWN left at apply is named, never sent to CCE or written. */
export function knownExecInputs(inputs: ExecCheckedInputs): ExecKnownInputs {
  for (const [field, value] of Object.entries(inputs)) {
    if (isUnknown(value)) throw new InvalidInputError(field, "is still unknown when the exec kubeconfig is created");
  }
  for (const [field, value] of Object.entries(inputs.selection)) {
    if (isUnknown(value)) throw new InvalidInputError(field, "is still unknown when the exec kubeconfig is created");
  }
  return inputs as ExecKnownInputs;
}

const given = (news: Record<string, unknown>, name: string): string | undefined => {
  const value = news[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
};

/** The flags of the command: the inputs given, and the stack config's location settings. */
function selectionOf(news: Record<string, unknown>, checked: CheckedInputs, config: StackConfig): ClusterSelection {
  const selection: ClusterSelection = { clusterId: checked.clusterId };
  for (const name of PINNED_FROM_CONFIG) {
    const value = isUnknown(news[name]) ? news[name] : resolveSetting(name, given(news, name), config, {});
    if (value !== undefined) selection[name] = value;
  }
  if (news["endpoint"] !== undefined) selection.endpoint = checked.endpoint;
  if (news["clusterKind"] !== undefined) selection.clusterKind = checked.clusterKind as ClusterSelection["clusterKind"];
  if (news["context"] !== undefined) selection.context = checked.context as ClusterSelection["context"];
  // Written only when given: otherwise the command's own default (an hour, via --ttl) applies.
  if (news["duration"] !== undefined && news["duration"] !== null) selection.duration = checked.duration as number;
  if (typeof news["ttl"] === "string") selection.ttl = news["ttl"].trim();
  return selection;
}

/**
 * Validates an ExecKubeconfig's inputs, reporting every failure by input name. `config` and `env`
 * are the settings of the host (the engine's), read as ClusterCertificate reads them; create then
 * mints with the environment's credentials only (exec-operations.ts).
 */
export function checkExecInputs(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
  config: StackConfig,
  env: Environment,
  now: Date = new Date(),
): { inputs: ExecCheckedInputs; failures: CheckFailure[] } {
  const failures = unknownInputFailures(news, EXEC_INPUT_NAMES, "ExecKubeconfig");
  const shared: Record<string, unknown> = Object.fromEntries(SHARED_INPUTS.filter((n) => news[n] !== undefined && news[n] !== null).map((n) => [n, news[n]]));
  shared["duration"] ??= DEFAULT_EXEC_DURATION_DAYS;
  const checked = checkInputs(olds, shared, config, env, now);
  failures.push(...checked.failures);

  const own = <F extends string | undefined>(name: keyof typeof ownFields, fallback: F): string | F => {
    const raw = news[name];
    if (raw === undefined || raw === null) return fallback;
    if (isUnknown(raw)) return raw;
    const parsed = ownFields[name].safeParse(raw);
    if (parsed.success) return parsed.data;
    failures.push({ property: name, reason: parsed.error.issues[0]?.message ?? "is invalid" });
    return fallback;
  };
  const { clusterId, projectId, projectName, endpoint, region, cloud, context, clusterKind, duration } = checked.inputs;
  const ttl = own("ttl", undefined);
  if (ttl !== undefined && news["duration"] !== undefined && news["duration"] !== null) failures.push({ property: "ttl", reason: "set either duration or ttl, not both" });
  const inputs: ExecCheckedInputs = {
    clusterId,
    endpoint,
    context,
    clusterKind,
    duration: duration ?? DEFAULT_EXEC_DURATION_DAYS,
    command: own("command", DEFAULT_EXEC_COMMAND),
    contextName: own("contextName", `cce-${clusterId}`),
    selection: selectionOf(news, checked.inputs, config),
  };
  if (projectId !== undefined) inputs.projectId = projectId;
  if (projectName !== undefined) inputs.projectName = projectName;
  if (region !== undefined) inputs.region = region;
  if (cloud !== undefined) inputs.cloud = cloud;
  if (ttl !== undefined) inputs.ttl = ttl;
  return { inputs, failures };
}
