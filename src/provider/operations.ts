/**
 * The ClusterCertificate provider's implementation. The serialized provider in state (shim.ts)
 * reaches this module with `require("pulumi-cce-kubeconfig/provider/operations")` at run time, so
 * a package upgrade upgrades `read` and `delete` of existing stacks too.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { CceClientOptions } from "../api/client";
import { clientCertificateOf, clientFor, createSession, kindOf, mintCertificate, type Session } from "../certificates";
import { DAY_MS } from "../constants";
import { InvalidInputError, isCceApiError } from "../errors";
import { EMPTY_CONFIG, type Environment, type StackConfig } from "../config/settings";
import { isUnknown, warnUser } from "../protocol";
import { checkInputs, knownInputs, type CheckedInputs } from "../resources/cluster-certificate/inputs";
import { parseKubeconfig } from "../kubeconfig/stored";
import { buildOutputs, type CertificateOutputs } from "./outputs";

// Moved to the mint core (src/certificates/); kept here for the tests that import it from this module.
export { conflictWarning } from "../certificates";

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

/** The operations the dynamic-provider host calls, as the shim names them. */
export interface Operations {
  configure(req: { config: StackConfig }): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Partial<CertificateOutputs>, news: CheckedInputs): Promise<dynamic.DiffResult>;
  create(inputs: CheckedInputs): Promise<dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult>;
  update(id: string, olds: CertificateOutputs, news: CheckedInputs): Promise<dynamic.UpdateResult>;
  deleteCertificate(id: string, props: object): Promise<void>;
}

/** Mints one certificate (src/certificates/) and renders what the resource stores. */
async function mint(session: Session, checked: CheckedInputs): Promise<{ id: string; outs: CertificateOutputs }> {
  const inputs = knownInputs(checked);
  const minted = await mintCertificate(session, inputs);
  return buildOutputs({ ...inputs, projectId: minted.projectId }, minted);
}

/** Which inputs replace the certificate, which update it in place; renewal due replaces on expiresAt. */
function diffCertificate(session: Session, olds: Partial<CertificateOutputs>, news: CheckedInputs): dynamic.DiffResult {
  const old = (key: keyof CheckedInputs) => (key === "clusterKind" ? kindOf(olds) : olds[key]);
  const differs = (key: keyof CheckedInputs) => isUnknown(news[key]) || news[key] !== old(key);
  const replaces: string[] = REPLACE_ON_CHANGE.filter((key) => (isProjectKey(key) ? projectDiffers(key, olds, news) : differs(key)));
  const updates: string[] = UPDATE_IN_PLACE.filter(differs);
  if (replaces.length === 0 && renewalDue(olds, news, session.clock().getTime())) replaces.push("expiresAt");
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
async function readCertificate(session: Session, id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult> {
  if (typeof props["kubeconfig"] !== "string") throw new InvalidInputError("id", cannotReadById(id));
  const stored = props as unknown as CertificateOutputs;
  try {
    await clientFor(session, stored).getCluster(stored.clusterId);
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
  return { outs: buildOutputs(located, clientCertificateOf(parseKubeconfig(olds.kubeconfig), located.context)).outs };
}

/** Operations with their own stack config, environment and clock. The module's exports use the real ones. */
export function createOperations(options: OperationsOptions = {}): Operations {
  let stackConfig: StackConfig = EMPTY_CONFIG;
  // One session per provider instance: a credentials conflict is shown once, not at every call.
  const session = createSession({ ...options, warn: options.warn ?? warnUser, stackConfig: () => stackConfig });
  return {
    async configure(req) {
      stackConfig = req.config;
    },
    check: async (olds, news) => checkInputs(olds, news, stackConfig, session.env(), session.clock()),
    diff: async (_id, olds, news) => diffCertificate(session, olds, news),
    create: (inputs) => mint(session, inputs),
    read: (id, props) => readCertificate(session, id, props),
    update: async (_id, olds, news) => updateCertificate(olds, news),
    /**
     * Mints nothing and revokes nothing: CCE can only revoke every certificate of an IAM user, which
     * would cut off other holders. The certificate stays valid until it expires.
     */
    async deleteCertificate() {},
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
