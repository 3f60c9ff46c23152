/**
 * The command line of `cce-kubeconfig`: argv in, a typed command out, and back (the `credential`
 * arguments that the `kubeconfig` subcommand writes into a kubeconfig's exec entry). Every refusal
 * is a UsageError naming the flag; nothing here reads the environment.
 */
import { parseArgs } from "node:util";
import { CLIENT_MAX_DURATION_DAYS, CLUSTER_KINDS, DAY_MS, HOUR_MS, MIN_EXPIRE_AHEAD_MS, MINUTE_MS, type ClusterKind } from "../constants";
import type { RevocationTarget } from "../api/client";
import { UsageError } from "../errors";
import { CONTEXT_CHOICES, type ContextChoice } from "../kubeconfig/context";

/**
 * The shortest validity CCE allows, in days: `duration` is 1 to 1827 days (constants.ts,
 * HUAWEI_MAX_DURATION_DAYS), and a certificate that is minted again at use costs nothing, so the
 * exec credential asks for the least a leaked one could be used.
 */
export const DEFAULT_EXEC_DURATION_DAYS = 1;

/**
 * How long an exec certificate lives unless `--ttl` or `--duration` says otherwise: an hour, as
 * GKE's and AKS's credentials; the cache hands one out until a tenth of its life is left
 * (exec-credential.ts), so a busy shell mints about once an hour.
 */
export const DEFAULT_EXEC_TTL_MS = HOUR_MS;
/** `--ttl`'s bounds: CCE's `expire_at` is 15 minutes to 5 years ahead (5 × 365 days, within its 1827). */
export const MIN_TTL_MS = MIN_EXPIRE_AHEAD_MS;
export const MAX_TTL_MS = 5 * 365 * DAY_MS;
const TTL_UNITS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, y: 365 * DAY_MS };

/** Which cluster, in which project and family, and how long a new certificate should last. */
export interface ClusterSelection {
  clusterId: string;
  /** Unset: the project id of the settings, else looked up at IAM by the region, as the resource does. */
  projectId?: string;
  region?: string;
  /** The cloud domain (`myhuaweicloud.com`); unset: HW_CLOUD, else the region's default. */
  cloud?: string;
  /** The full CCE base URL, overriding region and cloud; unset: HW_CCE_ENDPOINT. */
  endpoint?: string;
  /** @default "cce" */
  clusterKind?: ClusterKind;
  /** Which of CCE's contexts gives the server (render.ts `chooseContext`). @default "auto" */
  context?: ContextChoice;
  /** Days; -1 asks CCE for its maximum. Exclusive with `ttl`. */
  duration?: number;
  /** `--ttl` as given (`15m`, `1h`, `30d`, `1y`), sent as `expire_at`; unset with no duration: DEFAULT_EXEC_TTL_MS. */
  ttl?: string;
}

/** Whose certificates `revoke` ends: an id given, or the identity running the command. */
export type RevokeTarget = RevocationTarget | "mine";

export interface RevokeCommand {
  command: "revoke";
  cluster: ClusterSelection;
  target: RevokeTarget;
}

export interface CredentialCommand {
  command: "credential";
  cluster: ClusterSelection;
}

export interface KubeconfigCommand {
  command: "kubeconfig";
  cluster: ClusterSelection;
  /** The file to merge into; unset: the first path of $KUBECONFIG, else ~/.kube/config. */
  kubeconfig?: string;
  /** The name of the context, cluster and user entries written. @default `cce-<clusterId>` */
  contextName?: string;
  /** What the exec entry runs; unset: `cce-kubeconfig`, found on PATH when kubectl runs it. */
  execCommand?: string;
  /** Make the context current even when the file names another one. */
  setCurrent: boolean;
}

export interface HelpCommand {
  command: "help";
}

export type ExecCommand = CredentialCommand | KubeconfigCommand | RevokeCommand | HelpCommand;

export const USAGE = [
  "usage: cce-kubeconfig credential --cluster-id ID [--project-id ID] [--region REGION] [--cloud DOMAIN] [--endpoint URL]",
  "                                 [--cluster-kind cce|autopilot] [--context auto|internal|external|externalTLSVerify]",
  "                                 [--ttl 15m..5y (default 1h) | --duration DAYS]",
  "       cce-kubeconfig kubeconfig --cluster-id ID [--kubeconfig FILE] [--context-name NAME] [--exec-command PATH]",
  "                                 [--set-current] [the credential flags]",
  "       cce-kubeconfig revoke     --cluster-id ID (--user-id ID | --agency-id ID | --mine) [the credential flags]",
  "",
  "credential  prints a client.authentication.k8s.io ExecCredential with a CCE client certificate (cached)",
  "kubeconfig  merges a cluster, a user that runs `cce-kubeconfig credential`, and a context into FILE",
  "revoke      ends EVERY certificate of that IAM user or agency on the cluster, whoever holds it (CCE clustercertrevoke)",
  "Credentials come from the environment (HW_*), a KooCLI profile, CCE pod identity or ECS metadata.",
].join("\n");

const SELECTION_OPTIONS = {
  "cluster-id": { type: "string" },
  "project-id": { type: "string" },
  region: { type: "string" },
  cloud: { type: "string" },
  endpoint: { type: "string" },
  "cluster-kind": { type: "string" },
  context: { type: "string" },
  duration: { type: "string" },
  ttl: { type: "string" },
} as const;

const REVOKE_OPTIONS = {
  ...SELECTION_OPTIONS,
  "user-id": { type: "string" },
  "agency-id": { type: "string" },
  mine: { type: "boolean" },
} as const;

const KUBECONFIG_OPTIONS = {
  ...SELECTION_OPTIONS,
  kubeconfig: { type: "string" },
  "context-name": { type: "string" },
  "exec-command": { type: "string" },
  "set-current": { type: "boolean" },
} as const;

type Values = Partial<Record<keyof typeof KUBECONFIG_OPTIONS | keyof typeof REVOKE_OPTIONS | "help", string | boolean>>;

/** parseArgs' own errors name the flag in their text; they become UsageErrors naming it. */
function parse(argv: string[], options: typeof SELECTION_OPTIONS | typeof KUBECONFIG_OPTIONS | typeof REVOKE_OPTIONS): Values {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-[^' ]+)/.exec(message)?.[1];
    throw new UsageError(flag, message.replace(/\. To specify a positional argument.*$/s, "").replace(/\s+/g, " "));
  }
}

const text = (values: Values, name: keyof Values): string | undefined => {
  const value = values[name];
  if (typeof value !== "string") return undefined;
  if (value.trim() === "") throw new UsageError(`--${name}`, "must not be empty");
  return value.trim();
};

function oneOf<T extends string>(values: Values, name: keyof Values, allowed: readonly T[]): T | undefined {
  const value = text(values, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name}`, `must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}`);
  return value as T;
}

function durationDays(values: Values): number | undefined {
  const value = text(values, "duration");
  if (value === undefined) return undefined;
  const days = Number(value);
  if (!/^-?\d+$/.test(value) || !(days === -1 || (days >= 1 && days <= CLIENT_MAX_DURATION_DAYS))) {
    throw new UsageError("--duration", `must be a whole number of days from 1 to ${CLIENT_MAX_DURATION_DAYS}, or -1 for CCE's maximum; got ${JSON.stringify(value)}`);
  }
  return days;
}

/** `--ttl` in milliseconds: a whole number and one unit (m, h, d, y), from 15 minutes to 5 years. */
export function ttlMs(value: string): number {
  const match = /^(\d{1,6})([mhdy])$/.exec(value);
  const ms = match === null ? NaN : Number(match[1]) * TTL_UNITS[match[2]!]!;
  if (!(ms >= MIN_TTL_MS && ms <= MAX_TTL_MS)) {
    throw new UsageError("--ttl", `must be a whole number with a unit m, h, d or y, from 15m (CCE's minimum for expire_at) to 5y; got ${JSON.stringify(value.slice(0, 40))}`);
  }
  return ms;
}

function ttlFlag(values: Values): string | undefined {
  const value = text(values, "ttl");
  if (value === undefined) return undefined;
  ttlMs(value);
  if (values.duration !== undefined) throw new UsageError("--ttl", "give either --ttl or --duration, not both");
  return value;
}

function selection(values: Values): ClusterSelection {
  const clusterId = text(values, "cluster-id");
  if (clusterId === undefined) throw new UsageError("--cluster-id", "is required: the id (a UUID) of the CCE cluster");
  const cluster: ClusterSelection = { clusterId };
  const projectId = text(values, "project-id");
  const region = text(values, "region");
  const cloud = text(values, "cloud");
  const endpoint = text(values, "endpoint");
  const clusterKind = oneOf(values, "cluster-kind", CLUSTER_KINDS);
  const context = oneOf(values, "context", CONTEXT_CHOICES);
  const duration = durationDays(values);
  const ttl = ttlFlag(values);
  if (ttl !== undefined) cluster.ttl = ttl;
  if (projectId !== undefined) cluster.projectId = projectId;
  if (region !== undefined) cluster.region = region;
  if (cloud !== undefined) cluster.cloud = cloud;
  if (endpoint !== undefined) cluster.endpoint = endpoint;
  if (clusterKind !== undefined) cluster.clusterKind = clusterKind;
  if (context !== undefined) cluster.context = context;
  if (duration !== undefined) cluster.duration = duration;
  return cluster;
}

/** The command `argv` (without node and the script) asks for. */
export function parseCommandLine(argv: readonly string[]): ExecCommand {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined) throw new UsageError(undefined, "a subcommand is required: credential, kubeconfig or revoke");
  if (subcommand === "--help" || subcommand === "-h" || subcommand === "help") return { command: "help" };
  if (subcommand === "credential") {
    const values = parse(rest, SELECTION_OPTIONS);
    return values.help === true ? { command: "help" } : { command: "credential", cluster: selection(values) };
  }
  if (subcommand === "kubeconfig") {
    const values = parse(rest, KUBECONFIG_OPTIONS);
    if (values.help === true) return { command: "help" };
    const command: KubeconfigCommand = { command: "kubeconfig", cluster: selection(values), setCurrent: values["set-current"] === true };
    const kubeconfig = text(values, "kubeconfig");
    const contextName = text(values, "context-name");
    const execCommand = text(values, "exec-command");
    if (kubeconfig !== undefined) command.kubeconfig = kubeconfig;
    if (contextName !== undefined) command.contextName = contextName;
    if (execCommand !== undefined) command.execCommand = execCommand;
    return command;
  }
  if (subcommand === "revoke") {
    const values = parse(rest, REVOKE_OPTIONS);
    return values.help === true ? { command: "help" } : { command: "revoke", cluster: selection(values), target: revokeTarget(values) };
  }
  throw new UsageError(undefined, `unknown subcommand ${JSON.stringify(subcommand.slice(0, 40))}: use credential, kubeconfig or revoke`);
}

/** Exactly one of --user-id, --agency-id and --mine. */
function revokeTarget(values: Values): RevokeTarget {
  const userId = text(values, "user-id");
  const agencyId = text(values, "agency-id");
  const given = [userId, agencyId, values.mine === true ? "mine" : undefined].filter((v) => v !== undefined);
  if (given.length !== 1) {
    const flag = given.length === 0 ? "--user-id" : userId !== undefined ? "--user-id" : "--agency-id";
    throw new UsageError(flag, "give exactly one of --user-id ID, --agency-id ID or --mine (whose certificates to revoke)");
  }
  if (userId !== undefined) return { userId };
  if (agencyId !== undefined) return { agencyId };
  return "mine";
}

/**
 * The arguments of `cce-kubeconfig credential` for `cluster`, as the kubeconfig's exec entry runs
 * it: only the flags that were given, so settings left to the environment stay there.
 */
export function credentialArguments(cluster: ClusterSelection): string[] {
  const args = ["credential", "--cluster-id", cluster.clusterId];
  if (cluster.projectId !== undefined) args.push("--project-id", cluster.projectId);
  if (cluster.region !== undefined) args.push("--region", cluster.region);
  if (cluster.cloud !== undefined) args.push("--cloud", cluster.cloud);
  if (cluster.endpoint !== undefined) args.push("--endpoint", cluster.endpoint);
  if (cluster.clusterKind !== undefined) args.push("--cluster-kind", cluster.clusterKind);
  if (cluster.context !== undefined) args.push("--context", cluster.context);
  if (cluster.duration !== undefined) args.push("--duration", String(cluster.duration));
  if (cluster.ttl !== undefined) args.push("--ttl", cluster.ttl);
  return args;
}
