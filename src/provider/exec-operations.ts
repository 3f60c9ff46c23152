/**
 * The ExecKubeconfig provider's implementation. The serialized provider in state (exec-shim.ts)
 * reaches this module with `require("pulumi-cce-kubeconfig/provider/exec-operations")` at run time.
 *
 * What it stores is a kubeconfig whose user runs `cce-kubeconfig credential …` and the cluster's
 * server and CA: never a client certificate or key. CCE answers the server and CA only together
 * with a certificate, so create asks the command's own core (exec/certificates.ts
 * obtainCertificate) with the environment's credential chain, exactly what the command uses when
 * kubectl or the Kubernetes provider runs it: the one short certificate minted then lands in the
 * command's cache on this machine, and their first call reuses it instead of minting again.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { EMPTY_CONFIG, type Environment, type StackConfig } from "../config/settings";
import { resolveAuthSettings } from "../credentials";
import { CredentialsError, InvalidInputError } from "../errors";
import { credentialArguments, type ClusterSelection } from "../exec/arguments";
import type { CertificateOptions } from "../exec/certificates";
import { execKubeconfigYaml } from "../exec/kubeconfig-file";
import { checkExecInputs, knownExecInputs, type ExecCheckedInputs, type ExecKnownInputs } from "./exec-inputs";
import { warnUser } from "../protocol";

export interface ExecOperationsOptions {
  /** Where the credential chain and `HW_*` settings are read at create, and the cache folder. @default process.env */
  env?: Environment;
  /** @default () => new Date() */
  clock?: () => Date;
  /** Shows a warning to the user (it never holds a secret). @default a warning in the engine's output */
  warn?: (message: string) => void | Promise<void>;
  /** The command's certificate options beyond env, clock and warn (a probe, lock timings), for tests. */
  certificates?: Pick<CertificateOptions, "probe" | "lock" | "verifyEveryMs">;
}

/** Where the exec kubeconfig's server and CA came from: CCE's clustercert answer, through the command's cache. */
interface ClusterEndpoint {
  server: string;
  /** Base64 of the cluster CA's PEM; "" when the context skips TLS verification. */
  certificateAuthorityData: string;
  insecureSkipTlsVerify: boolean;
}

/** What the provider stores: the checked inputs, the cluster's endpoint, and the kubeconfig. No client credential. */
export interface ExecKubeconfigOutputs extends ExecKnownInputs, ClusterEndpoint {
  /** Kubeconfig YAML with one cluster, one exec user and one context; secret. */
  kubeconfig: string;
  /** The kubeconfig's current-context: `contextName`. */
  currentContext: string;
}

/** Stored outputs the resource marks secret: the server and CA say where the cluster is and who signs for it. */
export const EXEC_SECRET_OUTPUTS = ["kubeconfig", "server", "certificateAuthorityData"] as const;

export interface ExecOperations {
  configure(req: { config: StackConfig }): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Partial<ExecKubeconfigOutputs>, news: ExecCheckedInputs): Promise<dynamic.DiffResult>;
  create(inputs: ExecCheckedInputs): Promise<dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult>;
  update(id: string, olds: ExecKubeconfigOutputs, news: ExecCheckedInputs): Promise<dynamic.UpdateResult>;
  deleteKubeconfig(id: string, props: object): Promise<void>;
}

/** Inputs whose change points the kubeconfig at another cluster, project or API: a new resource. */
export const EXEC_REPLACE_ON_CHANGE = ["clusterId", "projectId", "projectName", "region", "cloud", "endpoint", "clusterKind"] as const;
/** Inputs that change only what the kubeconfig says (or which of the cluster's addresses it names). */
export const EXEC_UPDATE_IN_PLACE = ["command", "contextName", "context", "duration", "ttl", "selection"] as const;

/** The credential settings of the stack config, by name, when they make a complete method; never a value. */
function stackConfigCredentials(config: StackConfig): string | undefined {
  try {
    // An empty environment: only the stack's own settings count (the ECS fallback fetches nothing here).
    const { method } = resolveAuthSettings(config, {});
    return method.kind === "ecs" ? undefined : method.from;
  } catch {
    return undefined;
  }
}

/** The error of a create or refresh that found no credentials outside the stack: why, what to do, where it looked. */
export function noCredentialsOutsideStack(chainMessage: string, config: StackConfig): CredentialsError {
  const inStack = stackConfigCredentials(config);
  const ignored = inStack === undefined ? "" : `The stack config's credentials (${inStack}) are not used: the command cannot read the stack. `;
  return new CredentialsError(
    "ExecKubeconfig: no CCE credentials outside the stack. An exec kubeconfig mints its certificates at use time, where kubectl or the " +
      "Kubernetes provider runs cce-kubeconfig, with the credentials of that environment; pulumi up uses the same ones to read the " +
      `cluster's server and CA. ${ignored}Set credentials in the environment of pulumi up (HW_ACCESS_KEY + HW_SECRET_KEY, a KooCLI ` +
      `profile, OIDC, CCE pod identity or ECS metadata), or use ClusterCertificate; nothing was stored. The chain said: ${chainMessage}`,
  );
}

/** JSON with sorted keys: the engine hands back stored objects with their keys in its own order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** The outputs of `inputs` pointing at `endpoint`. */
function outputsOf(inputs: ExecKnownInputs, endpoint: ClusterEndpoint): ExecKubeconfigOutputs {
  const entry = {
    name: inputs.contextName,
    server: endpoint.server,
    insecureSkipTlsVerify: endpoint.insecureSkipTlsVerify,
    command: inputs.command,
    args: credentialArguments(inputs.selection),
    ...(endpoint.insecureSkipTlsVerify ? {} : { certificateAuthorityData: endpoint.certificateAuthorityData }),
  };
  return { ...inputs, ...endpoint, kubeconfig: execKubeconfigYaml(entry), currentContext: inputs.contextName };
}

/**
 * What every operation of one provider instance shares: where settings come from, the clock, the
 * stack config of `configure` (it gives location settings at check, never credentials), and the
 * warnings.
 */
interface ExecContext {
  options: ExecOperationsOptions;
  env: () => Environment;
  clock: () => Date;
  stackConfig: StackConfig;
  /** Shows each distinct warning once per provider instance, not once per call. */
  warn: (message: string) => void;
}

function warnOnce(show: (message: string) => void | Promise<void>): (message: string) => void {
  const warned = new Set<string>();
  return (message) => {
    if (warned.has(message)) return;
    warned.add(message);
    void Promise.resolve(show(message)).catch(() => undefined);
  };
}

/** The server and CA, from the command's cache or one mint into it, with the environment's credentials only. */
async function clusterEndpoint(ctx: ExecContext, selection: ClusterSelection): Promise<ClusterEndpoint> {
  const { obtainCertificate } = await import("../exec/certificates");
  try {
    const certificate = await obtainCertificate(selection, { ...ctx.options.certificates, env: ctx.env(), clock: ctx.clock, warn: ctx.warn });
    return {
      server: certificate.server,
      certificateAuthorityData: certificate.certificateAuthorityData ?? "",
      insecureSkipTlsVerify: certificate.insecureSkipTlsVerify,
    };
  } catch (error) {
    if (error instanceof CredentialsError) throw noCredentialsOutsideStack(error.message, ctx.stackConfig);
    throw error;
  }
}

/** Which inputs replace the kubeconfig and which update it in place. */
function diffExec(olds: Partial<ExecKubeconfigOutputs>, news: ExecCheckedInputs): dynamic.DiffResult {
  const differs = (key: keyof ExecCheckedInputs) => canonical(news[key]) !== canonical(olds[key]);
  const replaces: string[] = EXEC_REPLACE_ON_CHANGE.filter(differs);
  const updates: string[] = EXEC_UPDATE_IN_PLACE.filter(differs);
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

async function createExec(ctx: ExecContext, checked: ExecCheckedInputs): Promise<dynamic.CreateResult> {
  const inputs = knownExecInputs(checked);
  const outs = outputsOf(inputs, await clusterEndpoint(ctx, inputs.selection));
  return { id: `${inputs.clusterId}:exec`, outs };
}

/**
 * Refresh mints nothing: with the stored project it shows the cluster (the ClusterCertificate's
 * read, with the environment's credentials) and reports the resource gone when CCE says the
 * cluster does not exist. With a project looked up by name, the state keeps no id to ask with,
 * so the state is kept as it is.
 */
async function readExec(ctx: ExecContext, id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult> {
  if (typeof props["kubeconfig"] !== "string") {
    throw new InvalidInputError("id", "an ExecKubeconfig cannot be read by id: remove the id option, and pulumi up creates it (it holds no secret of its own)");
  }
  const stored = props as unknown as ExecKubeconfigOutputs;
  if (stored.projectId === undefined) return { id, props };
  const { createOperations } = await import("./operations");
  try {
    const cluster = await createOperations({ env: ctx.env(), clock: ctx.clock, warn: ctx.warn }).read(id, { ...stored, useLegacyGet: false, renewBefore: 0 });
    return cluster.id === "" ? cluster : { id, props };
  } catch (error) {
    if (error instanceof CredentialsError) throw noCredentialsOutsideStack(error.message, ctx.stackConfig);
    throw error;
  }
}

/**
 * A new command, name, validity or flags: re-rendered from the stored server and CA, with no
 * CCE call. A new `context` names another of the cluster's addresses, whose server and CA only
 * CCE's clustercert answer carries: that asks the command's cache (one mint at most, into it).
 */
async function updateExec(ctx: ExecContext, olds: ExecKubeconfigOutputs, news: ExecCheckedInputs): Promise<dynamic.UpdateResult> {
  const inputs = knownExecInputs(news);
  const endpoint = inputs.context === olds.context ? olds : await clusterEndpoint(ctx, inputs.selection);
  const { server, certificateAuthorityData, insecureSkipTlsVerify } = endpoint;
  return { outs: outputsOf(inputs, { server, certificateAuthorityData, insecureSkipTlsVerify }) };
}

/** Operations with their own environment and clock. The module's exports use the real ones. */
export function createExecOperations(options: ExecOperationsOptions = {}): ExecOperations {
  const ctx: ExecContext = {
    options,
    env: () => options.env ?? process.env,
    clock: options.clock ?? (() => new Date()),
    stackConfig: EMPTY_CONFIG,
    warn: warnOnce((message) => (options.warn ?? warnUser)(message)),
  };
  return {
    async configure(req) {
      ctx.stackConfig = req.config;
    },
    check: async (olds, news) => checkExecInputs(olds, news, ctx.stackConfig, ctx.env(), ctx.clock()),
    diff: async (_id, olds, news) => diffExec(olds, news),
    create: (inputs) => createExec(ctx, inputs),
    read: (id, props) => readExec(ctx, id, props),
    update: (_id, olds, news) => updateExec(ctx, olds, news),
    /**
     * Nothing to delete: the certificates are in each user's cache of the command (never in state),
     * live a day by default and expire on their own; CCE can revoke only every certificate of an IAM
     * user at once, which would cut off other holders.
     */
    async deleteKubeconfig() {},
  };
}

const real = createExecOperations();
/** The operations of the host's process: process.env and the real clock. */
export const { configure, check, diff, create, read, update, deleteKubeconfig } = real;
