/**
 * The ClusterCertificate provider's implementation. The serialized provider in state (shim.ts)
 * reaches this module with `require("pulumi-cce-kubeconfig/provider/operations")` at run time, so
 * a package upgrade upgrades `read` and `delete` of existing stacks too.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { CceClient } from "../api/client";
import { CceApiError, InvalidInputError } from "../errors";
import {
  EMPTY_CONFIG,
  resolveCredentials,
  resolveMaxRetries,
  type StackConfig,
} from "../config/settings";
import { checkInputs, UNKNOWN, type CheckedInputs } from "./inputs";
import { buildOutputs, certificateId, parseStoredKubeconfig, type CertificateOutputs } from "./outputs";

/** The stack config from `configure`; credentials are read from it only when a call is made. */
let stackConfig: StackConfig = EMPTY_CONFIG;

export async function configure(req: { config: StackConfig }): Promise<void> {
  stackConfig = req.config;
}

function clientFor(inputs: Pick<CheckedInputs, "endpoint" | "projectId">): CceClient {
  return new CceClient({
    endpoint: inputs.endpoint,
    projectId: inputs.projectId,
    credentials: () => resolveCredentials(stackConfig, process.env),
    retry: { maxRetries: resolveMaxRetries(stackConfig, process.env) },
  });
}

export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult> {
  const { inputs, failures } = checkInputs(olds, news, stackConfig, process.env);
  return { inputs, failures };
}

/**
 * An external context exists only on a cluster with an EIP. Asking first costs one read and
 * saves a certificate that would be minted, then refused, and never revocable on its own.
 */
async function assertContextAvailable(client: CceClient, inputs: CheckedInputs): Promise<void> {
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
async function mint(inputs: CheckedInputs): Promise<{ id: string; outs: CertificateOutputs }> {
  const client = clientFor(inputs);
  await assertContextAvailable(client, inputs);
  const issued = inputs.useLegacyGet
    ? await client.getClusterCertificateLegacy(inputs.clusterId)
    : await client.createClusterCertificate(inputs.clusterId, {
        duration: inputs.duration,
        expireAt: inputs.expireAt === undefined ? undefined : new Date(inputs.expireAt),
      });
  const outs = buildOutputs(inputs, issued.config);
  return { id: certificateId(inputs.clusterId, outs.clientCertificateData), outs };
}

export async function create(inputs: CheckedInputs): Promise<dynamic.CreateResult> {
  return mint(inputs);
}

/**
 * Refresh. Every clustercert call mints a new credential, so read never calls it for a stored
 * certificate (peers that do flap forever): it shows the cluster, and reports the resource gone
 * when CCE says the cluster does not exist. Only adoption (`{id}` with no stored certificate) mints.
 */
export async function read(id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult> {
  if (typeof props["clientCertificateData"] !== "string") {
    const { inputs, failures } = checkInputs({}, props, stackConfig, process.env);
    if (failures.length > 0) {
      const [first, ...rest] = failures;
      throw new InvalidInputError(
        first!.property,
        `${first!.reason} (adopting ${id})${rest.map((f) => `; ${f.property}: ${f.reason}`).join("")}`,
      );
    }
    const minted = await mint(inputs);
    return { id: minted.id, props: minted.outs, inputs };
  }
  const stored = props as unknown as CertificateOutputs;
  try {
    await clientFor(stored).getCluster(stored.clusterId);
  } catch (error) {
    if (error instanceof CceApiError && error.status === 404 && error.apiCode === "CCE.01404001") {
      return { id: "", props: {} };
    }
    throw error;
  }
  return { id, props };
}

const DAY_MS = 86_400_000;

/** Inputs whose change needs a new certificate. */
export const REPLACE_ON_CHANGE = [
  "clusterId",
  "projectId",
  "region",
  "cloud",
  "endpoint",
  "duration",
  "expireAt",
  "useLegacyGet",
] as const;
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

export async function diff(
  _id: string,
  olds: Partial<CertificateOutputs>,
  news: CheckedInputs,
): Promise<dynamic.DiffResult> {
  const differs = (key: keyof CheckedInputs) => news[key] === UNKNOWN || news[key] !== olds[key];
  const replaces: string[] = REPLACE_ON_CHANGE.filter(differs);
  const updates: string[] = UPDATE_IN_PLACE.filter(differs);
  if (replaces.length === 0 && renewalDue(olds, news, Date.now())) replaces.push("expiresAt");
  return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: false };
}

/** `context` or `renewBefore` changed: re-render from the stored certificate, minting nothing. */
export async function update(
  _id: string,
  olds: CertificateOutputs,
  news: CheckedInputs,
): Promise<dynamic.UpdateResult> {
  return { outs: buildOutputs(news, parseStoredKubeconfig(olds.kubeconfig)) };
}

/**
 * Mints nothing and revokes nothing: CCE can only revoke every certificate of an IAM user, which
 * would cut off other holders. The certificate stays valid until it expires.
 */
export async function deleteCertificate(_id: string, _props: object): Promise<void> {}
