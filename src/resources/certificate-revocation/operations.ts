/**
 * The CertificateRevocation resource, independent of its host: an object with the methods of
 * `pulumi.dynamic.ResourceProvider` (check, diff, create, read, update, delete, and configure),
 * which the dynamic shim (shim.ts) and a plugin can both serve.
 *
 * A revoke is an event, not a thing: create sends it once; refresh and preview send nothing; every
 * change of an input (a new `triggers` value included) replaces the resource, which revokes again;
 * delete sends nothing, because a revoke cannot be undone.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { RevocationTarget } from "../../api/client";
import { createSession, revokeCertificates, type ClusterLocation } from "../../certificates";
import { EMPTY_CONFIG, type StackConfig } from "../../config/settings";
import { InvalidInputError } from "../../errors";
import { isUnknown, warnUser } from "../../protocol";
import type { ResourceOptions } from "../registry";
import { checkRevocationInputs, REVOCATION_INPUT_NAMES, type RevocationInputs } from "./inputs";

export interface RevocationOutputs extends RevocationInputs {
  /** When CCE accepted the revoke (ISO 8601): certificates of that identity issued before it are dead. */
  revokedAt: string;
  /** CCE's request id of the revoke, for a support case. */
  requestId?: string;
}

export interface RevocationOperations {
  configure(req: { config: StackConfig }): Promise<void>;
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult>;
  diff(id: string, olds: Partial<RevocationOutputs>, news: RevocationInputs): Promise<dynamic.DiffResult>;
  create(inputs: RevocationInputs): Promise<dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult>;
  update(id: string, olds: RevocationOutputs, news: RevocationInputs): Promise<dynamic.UpdateResult>;
  delete(id: string, props: object): Promise<void>;
}

/** JSON with sorted keys: the engine hands stored objects back in its own key order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value ?? null, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

/** The identity named, checked again at create: an UNKNOWN left at apply is named, never sent. */
function targetOf(inputs: RevocationInputs): RevocationTarget {
  for (const [field, value] of Object.entries(inputs)) {
    if (isUnknown(value)) throw new InvalidInputError(field, "is still unknown when the revocation is created");
  }
  if (inputs.userId !== undefined && inputs.agencyId === undefined) return { userId: inputs.userId };
  if (inputs.agencyId !== undefined && inputs.userId === undefined) return { agencyId: inputs.agencyId };
  throw new InvalidInputError("userId", "set exactly one of userId or agencyId");
}

/** Where the revoke is sent, as the mint core takes it; targetOf has refused an UNKNOWN left in the inputs. */
const locationOf = (inputs: RevocationInputs): ClusterLocation => inputs as ClusterLocation;

/** Operations with their own environment, clock and client options, as the registry's entries take them. */
export function createRevocationOperations(options: ResourceOptions = {}): RevocationOperations {
  const env = () => options.env ?? process.env;
  const clock = options.clock ?? (() => new Date());
  let stackConfig: StackConfig = EMPTY_CONFIG;
  // The mint core locates the cluster and signs: the same project lookup and credential chain as a mint.
  const session = createSession({ ...options, warn: options.warn ?? warnUser, stackConfig: () => stackConfig });

  return {
    async configure(req) {
      stackConfig = req.config;
    },

    async check(olds, news) {
      return checkRevocationInputs(olds, news, stackConfig, env(), clock());
    },

    async diff(_id, olds, news) {
      const replaces = REVOCATION_INPUT_NAMES.filter((name) => {
        const value = (news as unknown as Record<string, unknown>)[name];
        return isUnknown(value) || canonical(value) !== canonical((olds as Record<string, unknown>)[name]);
      });
      return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
    },

    async create(inputs) {
      const target = targetOf(inputs);
      const { requestId } = await revokeCertificates(session, locationOf(inputs), target);
      const revokedAt = clock().toISOString();
      const outs: RevocationOutputs = { ...inputs, revokedAt, ...(requestId === undefined ? {} : { requestId }) };
      return { id: `${inputs.clusterId}/${target.userId ?? target.agencyId}/${revokedAt}`, outs };
    },

    /** Refresh calls nothing: CCE cannot list revocations, and the revoke it recorded stays done. */
    async read(id, props) {
      return { id, props };
    },

    /** Never reached (every change replaces); keeps the stored revoke as it is. */
    async update(_id, olds) {
      return { outs: olds };
    },

    /** Revokes nothing and restores nothing: a revoke cannot be undone. */
    async delete() {},
  };
}

const real = createRevocationOperations();
/** The operations of the host's process: process.env and the real clock. */
export const { configure, check, diff, create, read, update } = real;
const remove = real.delete;
export { remove as delete };
