/**
 * Credentials for each CCE call from the auth settings: a fixed token or key pair as they are;
 * a password sign-in's token and an agency's temporary keys from IAM (iam.ts), kept for the
 * process until shortly before they expire and shared by every call that has the same identity.
 *
 * The cache is keyed by a hash of everything that decides the credential (IAM URL, project, user,
 * a hash of the password, the agency), so different users, projects or agencies never share one,
 * and a changed password signs in afresh. It lives in memory only: never in state, logs or errors.
 */
import { createHash } from "node:crypto";
import { AGENCY_CREDENTIAL_SECONDS, FEDERATED_CREDENTIAL_SECONDS, IAM_RENEW_LEAD_MS } from "../constants";
import type { AuthMethod, AuthSettings, CceCredentials } from "../config/settings";
import type { CallContext } from "./call";
import type { CredentialSource } from "./client";
import { CredentialsError, ProjectLookupError } from "../errors";
import { fetchInstanceCredential, MetadataUnavailable } from "./ecs-metadata";
import { fetchPodCredential } from "./pod-identity";
import { federatedCredential } from "./oidc";
import { assumeAgency, listProjectsNamed, signInWithPassword, type IssuedCredential, type ProjectScope } from "./iam";

export interface SessionOptions {
  /** The project a password sign-in is scoped to: the set id, or the name the id is looked up by. */
  project: ProjectScope;
  /** The IAM URL (…/v3); asked for only when a password or an agency needs IAM. */
  authUrl: () => string;
  context: CallContext;
}

interface Cached {
  credentials: CceCredentials;
  /** The project a signed-in token is scoped to. */
  projectId?: string;
  /** ms since the epoch: from then on, a new credential is fetched. */
  renewAt: number;
}

/** Per process: in-flight and issued credentials, by identity key. */
const issued = new Map<string, Promise<Cached>>();

/** Per process: project ids looked up (or in flight), by credentials and project name. */
const projectIds = new Map<string, Promise<string>>();

/** Forgets every credential IAM issued to this process, and the project ids looked up (tests; a user switching identities needs nothing). */
export function forgetIssuedCredentials(): void {
  issued.clear();
  projectIds.clear();
}

const hash = (...parts: unknown[]): string => createHash("sha256").update(JSON.stringify(parts)).digest("hex");

/** When to stop using a credential: IAM_RENEW_LEAD_MS before expiry, or half-way through a shorter life. */
export function renewalTime(expiresAt: Date, issuedAt: Date): number {
  const life = expiresAt.getTime() - issuedAt.getTime();
  return expiresAt.getTime() - Math.min(IAM_RENEW_LEAD_MS, Math.max(0, life / 2));
}

const sameCredentials = (a: CceCredentials, b: CceCredentials): boolean =>
  a.kind === "token" ? b.kind === "token" && a.token === b.token : b.kind === "aksk" && a.accessKey === b.accessKey && a.securityToken === b.securityToken;

/** One step of the chain: a fixed credential, or one that IAM issues and the cache keeps. */
interface Layer {
  key: string;
  /** False for a fixed token or key pair: nothing to renew. */
  issued: boolean;
  get(): Promise<CceCredentials>;
  /** The project of a signed-in token (a password sign-in); undefined for other layers. */
  project(): Promise<string | undefined>;
}

function fixed(credentials: CceCredentials): Layer {
  const identity = credentials.kind === "token" ? credentials.token : `${credentials.accessKey}:${credentials.secretKey}:${credentials.securityToken ?? ""}`;
  return { key: hash("fixed", identity), issued: false, get: async () => credentials, project: async () => undefined };
}

/** A layer whose credential comes from `fetch`, shared through the cache by `key`. */
function cachedLayer(key: string, clock: () => Date, fetch: () => Promise<IssuedCredential>): Layer {
  const create = (): Promise<Cached> => {
    const issuedAt = clock();
    const entry = fetch().then((c): Cached => {
      const cached: Cached = { credentials: c.credentials, renewAt: renewalTime(c.expiresAt, issuedAt) };
      if (c.projectId !== undefined) cached.projectId = c.projectId;
      return cached;
    });
    issued.set(key, entry);
    // A failed fetch is not cached: the next call tries again.
    entry.catch(() => {
      if (issued.get(key) === entry) issued.delete(key);
    });
    return entry;
  };
  async function current(): Promise<Cached> {
    // Bounded: an entry found stale is dropped once; a new one is used even if IAM dated it oddly.
    for (let round = 0; round < 3; round++) {
      const entry = issued.get(key);
      if (entry === undefined) break;
      const cached = await entry;
      if (clock().getTime() < cached.renewAt) return cached;
      if (issued.get(key) === entry) issued.delete(key);
    }
    return issued.get(key) ?? create();
  }
  return {
    key,
    issued: true,
    get: async () => (await current()).credentials,
    project: async () => (await current()).projectId,
  };
}

function methodLayer(method: AuthMethod, options: SessionOptions): Layer {
  if (method.kind === "ecs") {
    // The instance's keys are the metadata service's to renew: fetched again shortly before expires_at.
    const { metadataUrl, notFound } = method;
    return cachedLayer(hash("ecs", metadataUrl), options.context.clock, () =>
      fetchInstanceCredential(metadataUrl, options.context.clock).catch((error: unknown) => {
        if (!(error instanceof MetadataUnavailable)) throw error;
        throw new CredentialsError(`${notFound}: the metadata service at ${metadataUrl} ${error.message}`);
      }),
    );
  }
  if (method.kind === "pod") {
    const { uri, tokenFile } = method;
    return cachedLayer(hash("pod", uri, tokenFile), options.context.clock, () =>
      fetchPodCredential(uri, tokenFile, options.context.clock).catch((error: unknown) => {
        if (!(error instanceof MetadataUnavailable)) throw error;
        const where = error.message.startsWith("the token file") ? "" : `the endpoint ${new URL(uri).origin} `;
        throw new CredentialsError(`CCE pod identity (${method.from}) gave no keys: ${where}${error.message}`);
      }),
    );
  }
  if (method.kind === "oidc") {
    // Scoped like a password sign-in, so the federated token names the project id a lookup would ask for.
    const authUrl = options.authUrl();
    const { idpId, idToken } = method;
    const source = "value" in idToken ? hash(idToken.value) : idToken.file;
    const key = hash("oidc", authUrl, options.project, idpId, source);
    return cachedLayer(key, options.context.clock, () => federatedCredential(authUrl, idpId, idToken, options.project, FEDERATED_CREDENTIAL_SECONDS, options.context));
  }
  if (method.kind !== "password") {
    const { from: _from, ...credentials } = method;
    return fixed(credentials as CceCredentials);
  }
  const authUrl = options.authUrl();
  const key = hash("password", authUrl, options.project, method.user, hash(method.password));
  return cachedLayer(key, options.context.clock, () => signInWithPassword(authUrl, method.user, method.password, options.project, options.context));
}

function chain(settings: AuthSettings, options: SessionOptions): Layer[] {
  const base = methodLayer(settings.method, options);
  const agency = settings.agency;
  if (agency === undefined) return [base];
  const authUrl = options.authUrl();
  const key = hash("agency", authUrl, base.key, agency);
  const top = cachedLayer(key, options.context.clock, async () =>
    assumeAgency(authUrl, await base.get(), agency, AGENCY_CREDENTIAL_SECONDS, options.context),
  );
  return [base, top];
}

/**
 * A CredentialSource over `settings`, which is read at each call (so the password is read only
 * when a call is made). renew() drops the rejected credential, and what it was made from, and
 * fetches new ones; concurrent calls rejected with the same credential share one renewal.
 */
export function credentialSource(settings: () => AuthSettings, options: SessionOptions): CredentialSource {
  return {
    async current() {
      return chain(settings(), options).at(-1)!.get();
    },
    async renew(rejected) {
      const layers = chain(settings(), options);
      const top = layers.at(-1)!;
      if (!top.issued) return undefined;
      const entry = issued.get(top.key);
      if (entry !== undefined && sameCredentials((await entry.catch(() => undefined))?.credentials ?? rejected, rejected)) {
        // Still the rejected one (no other call renewed it meanwhile): IAM revoked it, or the
        // signed-in token behind it. Drop every issued layer, so both are fetched again.
        for (const layer of layers) if (layer.issued) issued.delete(layer.key);
      }
      return top.get();
    },
  };
}

/** The settings users set instead of a lookup, named in its errors. */
export interface ProjectSettingNames {
  projectId: string;
  projectName: string;
}

/**
 * The id of the project named `name` (the region, or a sub-project's name), once per process per
 * credentials and name: concurrent callers share one lookup; a failed one is not kept. A password
 * sign-in (without an agency) scoped by that name answers the id with its token, as the Terraform
 * provider reads it, so it costs no call beyond the sign-in; other credentials (a token, keys, an
 * agency's keys, which act in the agency's account) ask `GET /v3/projects?name=`.
 */
export function projectIdFor(settings: AuthSettings, name: string, options: Omit<SessionOptions, "project">, names: ProjectSettingNames): Promise<string> {
  const layers = chain(settings, { ...options, project: { name } });
  const top = layers.at(-1)!;
  const key = hash("project", options.authUrl(), top.key, name);
  const known = projectIds.get(key);
  if (known !== undefined) return known;
  const lookup = (async () => {
    const signedIn = settings.agency === undefined ? await top.project() : undefined;
    if (signedIn !== undefined) return signedIn;
    const { ids, traceId } = await listProjectsNamed(options.authUrl(), name, await top.get(), options.context);
    if (ids.length === 1) return ids[0]!;
    const trace = `IAM trace id ${traceId ?? "none"}`;
    const instead = `set the project id (${names.projectId}), or the project name for a sub-project (${names.projectName})`;
    throw new ProjectLookupError(
      ids.length === 0
        ? `no IAM project is named ${JSON.stringify(name)} for these credentials (${trace}): check the region, or ${instead} (nothing was minted)`
        : `IAM lists ${ids.length} projects named ${JSON.stringify(name)} (${ids.join(", ")}; ${trace}): ${instead} (nothing was minted)`,
      name,
      ids,
      traceId,
    );
  })();
  projectIds.set(key, lookup);
  lookup.catch(() => {
    if (projectIds.get(key) === lookup) projectIds.delete(key);
  });
  return lookup;
}
