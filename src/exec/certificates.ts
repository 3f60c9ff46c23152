/**
 * A client certificate for the exec plugin: the cached one while it is good, else one minted by the
 * mint core the ClusterCertificate resource uses too (src/certificates/: the project lookup,
 * credential chain, wrong-kind hint and context choice), after the resource's own input checks
 * (resources/cluster-certificate/inputs.ts), so the command and the resource never disagree on a setting.
 *
 * Per call: a cached certificate that is not near expiry and that the API server accepted within
 * `verifyEveryMs` is served without a lock. Anything else takes the entry's lock, reads the entry
 * again (another process may have just minted), probes a good-looking but unverified certificate
 * against the API server, and mints only if it is missing, expiring, unreadable or refused. At most
 * one certificate is minted per call: a fresh one is served without a probe, and one minted in the
 * last 10 minutes that the server refuses fails the call instead of being replaced, so a server
 * that refuses every certificate cannot make the plugin mint in a loop, even once a minute.
 */
import { basename, join } from "node:path";
import { SETTING_SOURCES, EMPTY_CONFIG, type Environment, type SettingName } from "../config/settings";
import { resolveAuthSettings } from "../credentials";
import { DAY_MS } from "../constants";
import { InvalidInputError, isCceApiError, KubeconfigError } from "../errors";
import type { CheckFailure } from "../config/checked";
import { checkInputs, knownInputs, type CheckedInputs } from "../resources/cluster-certificate/inputs";
import { DEFAULT_EXEC_DURATION_DAYS, DEFAULT_EXEC_TTL_MS, ttlMs, type ClusterSelection } from "./arguments";
import { cacheDirectory, cacheDirectorySource, ensureCacheDirectory, pruneCacheEntries, readCacheEntry, writeCacheEntry, type CachedCertificate } from "./cache";
import { cacheFileName, cacheSlotPrefix, credentialIdentity, credentialSlot, type CacheKey } from "./cache-key";
import { handOutUntil } from "./exec-credential";
import { withFileLock, type LockOptions } from "./lock";
import { probeCertificate, type ProbeTarget, type ProbeVerdict } from "./probe";

export interface CertificateOptions {
  /** Where settings and credentials are read. */
  env: Environment;
  /** @default () => new Date() */
  clock?: () => Date;
  /** Shows the user a warning (a credentials conflict); never holds a secret. */
  warn: (message: string) => void;
  /** What happened, for CCE_KUBECONFIG_DEBUG=1; never holds a secret. */
  debug?: (message: string) => void;
  /**
   * A cached certificate the API server accepted this recently is served without asking it again.
   * client-go runs the plugin again right after a 401, within a second; a minute lets every call of
   * a busy shell skip the probe, and bounds how long a revoked certificate keeps being handed out.
   * @default 60_000 (ms)
   */
  verifyEveryMs?: number;
  lock?: LockOptions;
  /** @default probeCertificate (a GET /api with the certificate) */
  probe?: (target: ProbeTarget) => Promise<ProbeVerdict>;
}

export interface ObtainedCertificate extends CachedCertificate {
  /** Whether this call minted it. */
  minted: boolean;
  /** The cache entry that holds it. */
  cacheFile: string;
}

/** The flag that sets each resource input; settings without a flag are named by their environment variable. */
const FLAGS: Readonly<Record<string, string>> = {
  clusterId: "--cluster-id",
  projectId: "--project-id",
  region: "--region",
  cloud: "--cloud",
  endpoint: "--endpoint",
  clusterKind: "--cluster-kind",
  context: "--context",
  duration: "--duration",
  expireAt: "--ttl",
};

/**
 * Added to `--ttl` before it is sent as `expire_at`: CCE refuses an `expire_at` less than 15
 * minutes after its own clock reads the request, so `--ttl 15m` sent to the second would be
 * refused by the time it arrives. 30 s covers the call's latency and keeps notAfter within a
 * minute of what was asked.
 */
export const EXPIRE_AT_SLACK_MS = 30_000;

/** A check failure, named as the user of the command sets it: the flag, and its variable when it can come from there. */
function failureError(failure: CheckFailure): InvalidInputError {
  const flag = FLAGS[failure.property];
  const variable = (SETTING_SOURCES as Partial<Record<string, { env: string }>>)[failure.property as SettingName]?.env;
  const names = [flag, variable].filter((n): n is string => n !== undefined);
  return new InvalidInputError(names.length > 0 ? names.join(" / ") : failure.property, failure.reason);
}

/**
 * The resource inputs that mean `cluster`: `--duration` as given, else `--ttl` (default 1 hour) as
 * an `expire_at`. Autopilot takes a duration only: the ttl in whole days, at least one.
 */
function resourceInputs(cluster: ClusterSelection, now: Date): Record<string, unknown> {
  const inputs: Record<string, unknown> = { clusterId: cluster.clusterId };
  const ttl = cluster.ttl === undefined ? DEFAULT_EXEC_TTL_MS : ttlMs(cluster.ttl);
  if (cluster.duration !== undefined) inputs["duration"] = cluster.duration;
  else if (cluster.clusterKind === "autopilot") inputs["duration"] = cluster.ttl === undefined ? DEFAULT_EXEC_DURATION_DAYS : Math.max(1, Math.ceil(ttl / DAY_MS));
  else inputs["expireAt"] = new Date(Math.ceil((now.getTime() + ttl + EXPIRE_AT_SLACK_MS) / 1000) * 1000).toISOString();
  if (cluster.projectId !== undefined) inputs["projectId"] = cluster.projectId;
  if (cluster.region !== undefined) inputs["region"] = cluster.region;
  if (cluster.cloud !== undefined) inputs["cloud"] = cluster.cloud;
  if (cluster.endpoint !== undefined) inputs["endpoint"] = cluster.endpoint;
  if (cluster.clusterKind !== undefined) inputs["clusterKind"] = cluster.clusterKind;
  if (cluster.context !== undefined) inputs["context"] = cluster.context;
  return inputs;
}

/** CCE (or a cloud on its API) refused `expire_at` itself: a 400 whose text names it. */
function refusesExpireAt(error: unknown): boolean {
  return isCceApiError(error) && error.status === 400 && /expire_at/i.test(`${error.apiMessage ?? ""} ${error.message}`);
}

/**
 * Mints with the mint core, as the ClusterCertificate resource does (the project lookup, the
 * credential chain, the wrong-kind hint, the context check and choice), and keeps its structured
 * answer: nothing is rendered to YAML and read back. Loaded only here: the HTTP client takes most
 * of a cached call's start-up time otherwise (measured: 640 ms for a cached call with it and the
 * YAML library; bench/exec.js, docs/exec-kubeconfig.md).
 */
async function mint(checked: CheckedInputs, options: CertificateOptions, clock: () => Date): Promise<CachedCertificate> {
  const inputs = knownInputs(checked);
  const core = await import("../certificates");
  const session = core.createSession({ env: options.env, clock, warn: options.warn });
  const minted = await core.mintCertificate(session, inputs).catch(async (error: unknown) => {
    // Once, never in a loop: a second refusal fails the call.
    if (inputs.expireAt === undefined || !refusesExpireAt(error)) throw error;
    options.warn(`CCE refused expire_at (--ttl) for cluster ${inputs.clusterId}; minted a certificate of duration 1 day instead`);
    const { expireAt: _refused, ...rest } = inputs;
    return core.mintCertificate(session, { ...rest, duration: 1 });
  });
  const entry: CachedCertificate = {
    clusterId: inputs.clusterId,
    server: minted.server,
    insecureSkipTlsVerify: minted.insecureSkipTlsVerify,
    certificatePem: minted.clientCertificatePem,
    keyPem: minted.clientKeyPem,
    notBefore: minted.notBefore,
    notAfter: minted.notAfter,
    // Just issued by CCE for this cluster: as good as a probe's acceptance.
    verifiedAt: clock(),
    mintedAt: clock(),
  };
  if (minted.certificateAuthorityData !== undefined) entry.certificateAuthorityData = minted.certificateAuthorityData;
  return entry;
}

/**
 * A certificate this command minted this recently that the API server refuses is not replaced by
 * another mint: the server is not the cluster's or the context is wrong, and each mint would be
 * refused alike (a moved elastic IP, a proxy in front). Long enough to cover a shell's kubectl
 * calls, short enough that a revocation of every certificate (which CCE can do) costs one error.
 */
const REFUSED_AFTER_MINT_MS = 10 * 60_000; // 10 min

function refusedAfterMint(entry: CachedCertificate, context: string, cacheFile: string, now: Date): KubeconfigError {
  const seconds = Math.round((now.getTime() - (entry.mintedAt?.getTime() ?? 0)) / 1000);
  const until = new Date((entry.mintedAt?.getTime() ?? 0) + REFUSED_AFTER_MINT_MS).toISOString();
  return new KubeconfigError(
    `the API server ${entry.server} (context ${context} of cluster ${entry.clusterId}) refused the certificate CCE minted ${seconds} s ago: ` +
      `it is not this cluster's API server (a moved elastic IP, a proxy), or another --context is needed; not minting again before ${until} (delete ${cacheFile} to mint now)`,
  );
}

/** In `auto`, an answer whose only reachable context skips TLS verification is refused (issue 21, item 8): only an explicit `external` accepts that. */
function refuseUnverified(entry: CachedCertificate, context: string): void {
  if (!entry.insecureSkipTlsVerify || context !== "auto") return;
  throw new InvalidInputError(
    "--context",
    `CCE answers cluster ${entry.clusterId} only with a context that skips TLS verification of its API server (external, without externalTLSVerify): ` +
      "pass --context external to accept that, or --context internal inside the VPC; nothing was cached",
  );
}

/** The cache key of a call: where, which cluster and context, and who (cache-key.ts). */
function cacheKeyOf(inputs: CheckedInputs, env: Environment, now: Date): CacheKey {
  const auth = resolveAuthSettings(EMPTY_CONFIG, env);
  const identity = credentialIdentity(auth, now);
  return {
    endpoint: inputs.endpoint,
    project: inputs.projectId ?? `name:${inputs.projectName ?? ""}`,
    clusterId: inputs.clusterId,
    clusterKind: String(inputs.clusterKind),
    context: String(inputs.context),
    identity,
    slot: credentialSlot(auth, identity),
  };
}

/** What one call works with. */
interface Call {
  cacheFile: string;
  context: string;
  clock: () => Date;
  debug: (message: string) => void;
  probe: (target: ProbeTarget) => Promise<ProbeVerdict>;
}

/**
 * A cached certificate not verified lately, probed under the lock: served when the server accepts
 * it or gives no answer that tells (remembered, so the calls that follow soon do not ask again);
 * undefined when refused, for a mint to replace it, unless this command minted it so recently
 * that the refusal is the server's or the context's fault (issue 21, item 7).
 */
async function probeCached(cached: CachedCertificate, call: Call): Promise<ObtainedCertificate | undefined> {
  const { cacheFile, clock } = call;
  const verdict = await call.probe(cached);
  call.debug(`probed ${cached.server} with the cached certificate: ${verdict}`);
  if (verdict === "accepted") {
    const verified = { ...cached, verifiedAt: clock() };
    writeCacheEntry(cacheFile, verified);
    return { ...verified, minted: false, cacheFile };
  }
  // The server could not be asked (down, a proxy, a timeout): kubectl will find out itself.
  if (verdict === "unknown") {
    writeCacheEntry(cacheFile, { ...cached, unreachableAt: clock() });
    return { ...cached, minted: false, cacheFile };
  }
  if (cached.mintedAt !== undefined && clock().getTime() - cached.mintedAt.getTime() < REFUSED_AFTER_MINT_MS) throw refusedAfterMint(cached, call.context, cacheFile, clock());
  return undefined;
}

/** The checked inputs of `cluster` (the resource's own checks and defaults), its cache key, and the cache file of this identity's certificate. */
export function locateCache(cluster: ClusterSelection, options: Pick<CertificateOptions, "env" | "clock">): { inputs: CheckedInputs; key: CacheKey; dir: string; cacheFile: string } {
  const clock = options.clock ?? (() => new Date());
  // operations.check is this call with its stack config; here there is none.
  const checked = checkInputs({}, resourceInputs(cluster, clock()), EMPTY_CONFIG, options.env, clock());
  const failure = checked.failures[0];
  if (failure !== undefined) throw failureError(failure);
  const inputs = checked.inputs;
  const key = cacheKeyOf(inputs, options.env, clock());
  const dir = cacheDirectory(options.env);
  ensureCacheDirectory(dir, cacheDirectorySource(options.env));
  return { inputs, key, dir, cacheFile: join(dir, cacheFileName(key)) };
}

export async function obtainCertificate(cluster: ClusterSelection, options: CertificateOptions): Promise<ObtainedCertificate> {
  const clock = options.clock ?? (() => new Date());
  const debug = options.debug ?? (() => undefined);
  const verifyEveryMs = options.verifyEveryMs ?? 60_000;
  const { inputs, key, dir, cacheFile } = locateCache(cluster, options);
  const call: Call = { cacheFile, context: key.context, clock, debug, probe: options.probe ?? probeCertificate };

  const within = (at: Date | undefined, ms: number) => at !== undefined && clock().getTime() - at.getTime() < ms;
  // Accepted lately, or probed lately without an answer: 20 kubectl calls to a server that is down wait for one probe, not 20 in turn.
  const recentlyVerified = (entry: CachedCertificate) => within(entry.verifiedAt, verifyEveryMs) || within(entry.unreachableAt, verifyEveryMs);
  // Good for a while yet, of this cluster, and not unverifiable unless the user chose so (refuseUnverified).
  const usable = (entry: CachedCertificate | undefined): entry is CachedCertificate =>
    entry !== undefined &&
    entry.clusterId === inputs.clusterId &&
    clock().getTime() < handOutUntil(entry.notBefore, entry.notAfter).getTime() &&
    !(entry.insecureSkipTlsVerify && call.context === "auto");

  const unlocked = readCacheEntry(cacheFile);
  if (usable(unlocked) && recentlyVerified(unlocked)) {
    debug(`served the cached certificate (verified ${unlocked.verifiedAt?.toISOString()}) from ${cacheFile}`);
    return { ...unlocked, minted: false, cacheFile };
  }

  return withFileLock(
    `${cacheFile}.lock`,
    async () => {
      const cached = readCacheEntry(cacheFile);
      if (usable(cached)) {
        if (recentlyVerified(cached)) {
          debug(`served the certificate another process cached in ${cacheFile}`);
          return { ...cached, minted: false, cacheFile };
        }
        const served = await probeCached(cached, call);
        if (served !== undefined) return served;
      }
      const minted = await mint(inputs, options, clock);
      refuseUnverified(minted, call.context);
      writeCacheEntry(cacheFile, minted);
      debug(`minted a certificate valid until ${minted.notAfter.toISOString()} into ${cacheFile}`);
      const pruned = pruneCacheEntries(dir, basename(cacheFile), cacheSlotPrefix(key), clock());
      if (pruned.length > 0) debug(`deleted ${pruned.length} expired or superseded cache entries: ${pruned.join(", ")}`);
      return { ...minted, minted: true, cacheFile };
    },
    options.lock,
  );
}
