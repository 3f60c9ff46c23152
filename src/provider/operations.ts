/**
 * The ClusterCertificate provider's implementation. The serialized provider in state (shim.ts)
 * reaches this module with `require("pulumi-cce-kubeconfig/provider/operations")` at run time, so
 * a package upgrade upgrades `read` and `delete` of existing stacks too.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { callContext, CceClient, type CceClientOptions, type CertificateRevocationResult, type RevocationTarget } from "../api/client";
import { credentialSource, projectIdFor } from "../api/iam-session";
import { DAY_MS, type ClusterKind } from "../constants";
import { resolveAuthUrl } from "../config/endpoint";
import { orderText } from "../config/credential-order";
import { InvalidInputError, isCceApiError } from "../errors";
import {
  EMPTY_CONFIG,
  resolveAuthSettings,
  resolveMaxRetries,
  methodName,
  resolveSetting,
  sourcesOf,
  type AuthSettings,
  type Environment,
  type StackConfig,
} from "../config/settings";
import { isUnknown, warnUser } from "../protocol";
import { checkInputs, knownInputs, type CheckedInputs, type KnownInputs } from "../resources/cluster-certificate/inputs";
import { parseKubeconfig } from "../kubeconfig/entries";
import { buildOutputs, type CertificateOutputs } from "./outputs";

export interface OperationsOptions {
  /** Where `HW_*` settings and credentials are read, at each call. @default process.env */
  env?: Environment;
  /** The clock that decides renewal and signs requests. @default () => new Date() */
  clock?: () => Date;
  /** Client options beyond endpoint, project and credentials (waits, a dispatcher), for tests. */
  client?: Pick<CceClientOptions, "sleep" | "random" | "dispatcher" | "timeoutMs">;
  /** Shows a warning to the user (it never holds a secret). @default a warning in the engine's output */
  warn?: (message: string) => void | Promise<void>;
}

/** Stored certificates from before `clusterKind` existed are CCE clusters. */
const kindOf = (inputs: { clusterKind?: unknown }): ClusterKind => (inputs.clusterKind === "autopilot" ? "autopilot" : "cce");

const KIND_NAMES: Readonly<Record<ClusterKind, string>> = { cce: "a CCE (standard or Turbo)", autopilot: "an Autopilot" };

/** The warning for more than one complete set of credentials: which one is used, by setting names only. */
export function conflictWarning(settings: AuthSettings): string | undefined {
  if (settings.ignored.length === 0) return undefined;
  const used = methodName(settings.method.kind);
  return (
    `pulumi-cce-kubeconfig: more than one set of CCE credentials is configured; using ${used} (${settings.method.from}) ` +
    `and ignoring ${settings.ignored.join(" and ")}. The order is: ${orderText()} ` +
    "(as in the huaweicloud Terraform provider); unset the ones you do not mean to use."
  );
}

/** The operations the dynamic-provider host calls, as the shim names them. */
export interface Operations {
  configure(req: { config: StackConfig }): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Partial<CertificateOutputs>, news: CheckedInputs): Promise<dynamic.DiffResult>;
  create(inputs: CheckedInputs): Promise<dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult>;
  update(id: string, olds: CertificateOutputs, news: CheckedInputs): Promise<dynamic.UpdateResult>;
  deleteCertificate(id: string, props: object): Promise<void>;
  /**
   * Revokes every certificate of `target` on the cluster `checked` names, located and signed as a
   * mint would be (project lookup, credential chain, stack config). Not a host operation: the
   * CertificateRevocation resource and `cce-kubeconfig revoke` call it.
   */
  revokeCertificates(checked: CheckedInputs, target: RevocationTarget): Promise<CertificateRevocationResult>;
}

/**
 * What every operation of one provider instance shares: where settings come from, the clock, and
 * the stack config of `configure` (credentials are read from it only when a call is made).
 */
interface Context {
  options: OperationsOptions;
  env(): Environment;
  clock(): Date;
  stackConfig: StackConfig;
  /** Warnings already shown by this process: one per distinct conflict, not one per call. */
  warned: Set<string>;
}

/** The auth settings of this call; a conflict between methods is shown once. */
function authSettings(ctx: Context): AuthSettings {
  const settings = resolveAuthSettings(ctx.stackConfig, ctx.env());
  const warning = conflictWarning(settings);
  if (warning !== undefined && !ctx.warned.has(warning)) {
    ctx.warned.add(warning);
    void Promise.resolve((ctx.options.warn ?? warnUser)(warning)).catch(() => undefined);
  }
  return settings;
}

/**
 * The IAM URL, needed by a password sign-in or an agency only: huaweicloud:authUrl / HW_AUTH_URL,
 * else from the resource's region and cloud (or the configured ones, when the endpoint is explicit).
 */
function authUrlFor(ctx: Context, inputs: Pick<CheckedInputs, "region" | "cloud">): string {
  const setting = (name: "authUrl" | "region" | "cloud") => resolveSetting(name, undefined, ctx.stackConfig, ctx.env());
  const explicit = setting("authUrl");
  const region = inputs.region ?? setting("region");
  const settings = explicit !== undefined ? { explicit } : region === undefined ? {} : { region, cloud: inputs.cloud ?? setting("cloud") };
  const s = sourcesOf(ctx.stackConfig);
  const url = resolveAuthUrl(settings, { authUrl: `${s.authUrl.config} / ${s.authUrl.env}`, region: `${s.region.config} / ${s.region.env}` });
  if (!url.ok) throw new InvalidInputError(url.failures[0]!.property, url.failures[0]!.reason);
  return url.value;
}

/** IAM calls share the CCE calls' retries, timeouts and connection pool. */
const callOptions = (ctx: Context) => ({ ...ctx.options.client, retry: { maxRetries: resolveMaxRetries(ctx.stackConfig, ctx.env()) }, clock: ctx.clock });

type Located = Pick<CheckedInputs, "endpoint" | "region" | "cloud" | "projectName"> & { projectId: string; clusterKind?: unknown };

/**
 * A client for the project `inputs` name. A password sign-in is scoped as the project was found:
 * by name when it was looked up, so the lookup's sign-in serves the CCE calls too.
 */
function clientFor(ctx: Context, inputs: Located): CceClient {
  const shared = callOptions(ctx);
  const project = inputs.projectName !== undefined ? { name: inputs.projectName } : { id: inputs.projectId };
  const credentials = credentialSource(() => authSettings(ctx), { project, authUrl: () => authUrlFor(ctx, inputs), context: callContext(shared) });
  return new CceClient({ ...shared, endpoint: inputs.endpoint, projectId: inputs.projectId, clusterKind: kindOf(inputs), credentials });
}

/** The set project id, else the id IAM lists under `projectName` (once per process per credentials and name). */
async function locate<T extends KnownInputs>(ctx: Context, inputs: T): Promise<T & { projectId: string }> {
  if (inputs.projectId !== undefined) return inputs as T & { projectId: string };
  if (inputs.projectName === undefined) throw new InvalidInputError("projectId", "is not set, and there is no region or project name to look it up by");
  const s = sourcesOf(ctx.stackConfig);
  const projectId = await projectIdFor(
    authSettings(ctx),
    inputs.projectName,
    { authUrl: () => authUrlFor(ctx, inputs), context: callContext(callOptions(ctx)) },
    { projectId: `${s.projectId.config} / ${s.projectId.env}`, projectName: `${s.projectName.config} / ${s.projectName.env}` },
  );
  return { ...inputs, projectId };
}

/**
 * CCE answered that the cluster does not exist: when the other family has it, the user picked
 * the wrong clusterKind. One GET of the other family, which mints nothing, tells; only on this
 * path, so a correct kind costs no request.
 */
async function wrongKindHint(client: CceClient, inputs: Pick<KnownInputs, "clusterId" | "clusterKind">, error: unknown): Promise<never> {
  if (isCceApiError(error) && error.isClusterGone) {
    const other: ClusterKind = inputs.clusterKind === "cce" ? "autopilot" : "cce";
    const found = await client.getCluster(inputs.clusterId, other).then(
      () => true,
      () => false,
    );
    if (found) {
      throw new InvalidInputError(
        "clusterKind",
        `cluster ${inputs.clusterId} is ${KIND_NAMES[other]} cluster, not ${KIND_NAMES[inputs.clusterKind]} one: set clusterKind: "${other}" (nothing was minted)`,
      );
    }
  }
  throw error;
}

/**
 * An external context exists only on a cluster with an EIP. Asking first costs one read and
 * saves a certificate that would be minted, then refused, and never revocable on its own.
 */
async function assertContextAvailable(client: CceClient, inputs: Pick<KnownInputs, "clusterId" | "context">): Promise<void> {
  if (inputs.context !== "external" && inputs.context !== "externalTLSVerify") return;
  const endpoints = (await client.getCluster(inputs.clusterId)).status?.endpoints;
  if (endpoints && endpoints.length > 0 && !endpoints.some((e) => /external/i.test(e.type ?? ""))) {
    throw new InvalidInputError(
      "context",
      `${JSON.stringify(inputs.context)} needs an EIP bound to cluster ${inputs.clusterId}, which lists only internal endpoints; ` +
        "bind an EIP or use context auto or internal (nothing was minted)",
    );
  }
}

/** Mints one certificate: `POST` with `duration` or `expire_at`, or the discarded `GET`. */
async function mint(ctx: Context, checked: CheckedInputs): Promise<{ id: string; outs: CertificateOutputs }> {
  const inputs = await locate(ctx, knownInputs(checked));
  const client = clientFor(ctx, inputs);
  const issued = await (async () => {
    await assertContextAvailable(client, inputs);
    return inputs.useLegacyGet
      ? await client.getClusterCertificateLegacy(inputs.clusterId)
      : await client.createClusterCertificate(inputs.clusterId, {
          duration: inputs.duration,
          expireAt: inputs.expireAt === undefined ? undefined : new Date(inputs.expireAt),
        });
  })().catch((error: unknown) => wrongKindHint(client, inputs, error));
  return buildOutputs(inputs, issued.config);
}

/** Which inputs replace the certificate, which update it in place; renewal due replaces on expiresAt. */
function diffCertificate(ctx: Context, olds: Partial<CertificateOutputs>, news: CheckedInputs): dynamic.DiffResult {
  const old = (key: keyof CheckedInputs) => (key === "clusterKind" ? kindOf(olds) : olds[key]);
  const differs = (key: keyof CheckedInputs) => isUnknown(news[key]) || news[key] !== old(key);
  const replaces: string[] = REPLACE_ON_CHANGE.filter((key) => (isProjectKey(key) ? projectDiffers(key, olds, news) : differs(key)));
  const updates: string[] = UPDATE_IN_PLACE.filter(differs);
  if (replaces.length === 0 && renewalDue(olds, news, ctx.clock().getTime())) replaces.push("expiresAt");
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

/**
 * Refresh. Every clustercert call mints a new credential, so read never calls it for a stored
 * certificate (peers that do flap forever): it shows the cluster, and reports the resource gone
 * when CCE says the cluster does not exist.
 *
 * Props without a stored certificate come from a resource declared with the `id` option, which
 * the engine reads on every preview and up with the program's inputs (its ReadStep): minting
 * there would issue a new certificate each time (measured: 4 operations, 4 certificates), and
 * CCE has no call that reads an issued certificate back. So that is refused, minting nothing.
 */
async function readCertificate(ctx: Context, id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult> {
  if (typeof props["kubeconfig"] !== "string") throw new InvalidInputError("id", cannotReadById(id));
  const stored = props as unknown as CertificateOutputs;
  try {
    await clientFor(ctx, stored).getCluster(stored.clusterId);
  } catch (error) {
    if (isCceApiError(error) && error.isClusterGone) return { id: "", props: {} };
    throw error;
  }
  return { id, props };
}

/** `context` or `renewBefore` changed: re-render from the stored certificate, minting nothing. */
function updateCertificate(olds: CertificateOutputs, news: CheckedInputs): dynamic.UpdateResult {
  // The stored certificate keeps the project it was minted in (a looked-up id included).
  const located = { ...knownInputs(news), projectId: news.projectId ?? olds.projectId };
  return { outs: buildOutputs(located, parseKubeconfig(olds.kubeconfig)).outs };
}

/** Operations with their own stack config, environment and clock. The module's exports use the real ones. */
export function createOperations(options: OperationsOptions = {}): Operations {
  const clock = options.clock ?? (() => new Date());
  const ctx: Context = { options, env: () => options.env ?? process.env, clock, stackConfig: EMPTY_CONFIG, warned: new Set() };
  return {
    async configure(req) {
      ctx.stackConfig = req.config;
    },
    check: async (olds, news) => checkInputs(olds, news, ctx.stackConfig, ctx.env(), clock()),
    diff: async (_id, olds, news) => diffCertificate(ctx, olds, news),
    create: (inputs) => mint(ctx, inputs),
    read: (id, props) => readCertificate(ctx, id, props),
    update: async (_id, olds, news) => updateCertificate(olds, news),
    /**
     * Mints nothing and revokes nothing: CCE can only revoke every certificate of an IAM user, which
     * would cut off other holders. The certificate stays valid until it expires.
     */
    async deleteCertificate() {},

    async revokeCertificates(checked, target) {
      const inputs = await locate(ctx, knownInputs(checked));
      return clientFor(ctx, inputs).revokeCertificates(inputs.clusterId, target);
    },
  };
}

/** Inputs whose change needs a new certificate. */
export const REPLACE_ON_CHANGE = [
  "clusterId",
  "projectId",
  "projectName",
  "region",
  "cloud",
  "endpoint",
  "duration",
  "expireAt",
  "useLegacyGet",
  "clusterKind",
] as const;
const PROJECT_KEYS = { projectId: true, projectName: true } as const;
const isProjectKey = (key: string): key is keyof typeof PROJECT_KEYS => key in PROJECT_KEYS;

/**
 * The project changed? A set id replaces when it differs from the stored one (looked up or set);
 * with no id set, a change of the looked-up name replaces (a region change replaces anyway). An id
 * no longer set, or a stored certificate from before lookups, keeps its project: the same
 * settings look up the same id, and asking IAM at every diff would cost a call per resource.
 */
function projectDiffers(key: keyof typeof PROJECT_KEYS, olds: Partial<CertificateOutputs>, news: CheckedInputs): boolean {
  if (key === "projectId") return news.projectId !== undefined && (isUnknown(news.projectId) || news.projectId !== olds.projectId);
  if (news.projectId !== undefined || news.projectName === undefined || olds.projectName === undefined) return false;
  return isUnknown(news.projectName) || news.projectName !== olds.projectName;
}

/** Inputs that change outputs without minting. */
export const UPDATE_IN_PLACE = ["context", "renewBefore"] as const;

/**
 * True when the certificate is within `renewBefore` days of expiry and a new one would not be:
 * a certificate whose whole lifetime fits in the window (a server that caps validity) would
 * otherwise be renewed on every `up`. A pinned `expireAt` is never renewed: a new certificate
 * would expire at the same moment.
 */
export function renewalDue(olds: Partial<CertificateOutputs>, news: CheckedInputs, now: number): boolean {
  if (typeof news.renewBefore !== "number" || news.renewBefore <= 0 || news.expireAt !== undefined) return false;
  const expires = Date.parse(olds.expiresAt ?? "");
  const issued = Date.parse(olds.issuedAt ?? "");
  if (Number.isNaN(expires)) return false;
  const window = news.renewBefore * DAY_MS;
  const lifetime = Number.isNaN(issued) ? Infinity : expires - issued;
  return now >= expires - window && lifetime > window;
}

/** What a user who declared `{ id }` (or tried `pulumi import`) is told, and what to do instead. */
export function cannotReadById(id: string): string {
  return (
    `a ClusterCertificate cannot be read by id (${JSON.stringify(id.slice(0, 80))}): CCE cannot read an issued certificate back, ` +
    "and Pulumi reads a resource declared with the id option on every preview and up, so each would mint a new one. " +
    "Remove the id option: pulumi up then mints exactly one certificate and keeps it in state; to bring one from another " +
    "stack, use pulumi state move (nothing was minted)"
  );
}

const real = createOperations();
/** The operations of the host's process: process.env and the real clock. */
export const { configure, check, diff, create, read, update, deleteCertificate } = real;
