/**
 * A client certificate for the exec plugin: the cached one while it is good, else one minted by the
 * ClusterCertificate resource's own operations (provider/operations.ts: the same input checks,
 * project lookup, credential chain, wrong-kind hint and context choice), so the command and the
 * resource never disagree on a setting.
 *
 * Per call: a cached certificate that is not near expiry and that the API server accepted within
 * `verifyEveryMs` is served without a lock. Anything else takes the entry's lock, reads the entry
 * again (another process may have just minted), probes a good-looking but unverified certificate
 * against the API server, and mints only if it is missing, expiring, unreadable or refused. At most
 * one certificate is minted per call: a fresh one is served without a probe, so a server that
 * refuses every certificate cannot make the plugin mint in a loop.
 */
import { join } from "node:path";
import { SETTING_SOURCES, EMPTY_CONFIG, resolveAuthSettings, type Environment, type SettingName } from "../config/settings";
import { InvalidInputError, isCceApiError } from "../errors";
import { DAY_MS } from "../constants";
import { pemFromData, readCertificate } from "../kubeconfig/certificate";
import type { CheckedInputs } from "../provider/inputs";
import type { CheckFailure } from "../config/checked";
import { checkInputs } from "../provider/inputs";
import type { CertificateOutputs } from "../provider/outputs";
import { DEFAULT_EXEC_DURATION_DAYS, DEFAULT_EXEC_TTL_MS, ttlMs, type ClusterSelection } from "./arguments";
import { cacheDirectory, ensureCacheDirectory, readCacheEntry, writeCacheEntry, type CachedCertificate } from "./cache";
import { cacheFileName, credentialIdentity, type CacheKey } from "./cache-key";
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
 * Mints through the resource's `create` (the project lookup, the credential chain, the wrong-kind
 * hint, the context check). Loaded only here: the HTTP client and the YAML parser take most of a
 * cached call's start-up time otherwise (measured: 640 ms for a cached call with them; bench/exec.js, docs/exec-kubeconfig.md).
 */
async function mint(inputs: CheckedInputs, options: CertificateOptions, clock: () => Date): Promise<CachedCertificate> {
  const [{ createOperations }, { kubeconfigEntries, parseKubeconfig }] = await Promise.all([import("../provider/operations"), import("../kubeconfig/entries")]);
  const operations = createOperations({ env: options.env, clock, warn: options.warn });
  const created = await operations.create(inputs).catch(async (error: unknown) => {
    // Once, never in a loop: a second refusal fails the call.
    if (inputs.expireAt === undefined || !refusesExpireAt(error)) throw error;
    options.warn(`CCE refused expire_at (--ttl) for cluster ${inputs.clusterId}; minted a certificate of duration 1 day instead`);
    const { expireAt: _refused, ...rest } = inputs;
    return operations.create({ ...rest, duration: 1 });
  });
  const { outs } = created as { outs: CertificateOutputs };
  // The server and CA of the context the resource would make current.
  const entries = kubeconfigEntries(parseKubeconfig(outs.kubeconfig), outs.currentContext);
  const clusterName = entries.contexts.find((c) => c.name === outs.currentContext)?.cluster;
  const cluster = entries.clusters.find((c) => c.name === clusterName);
  const insecure = cluster?.insecureSkipTlsVerify === true;
  const certificatePem = pemFromData(entries.clientCertificateData);
  const facts = readCertificate(certificatePem);
  const entry: CachedCertificate = {
    clusterId: inputs.clusterId,
    server: entries.server,
    insecureSkipTlsVerify: insecure,
    certificatePem,
    keyPem: pemFromData(entries.clientKeyData),
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    // Just issued by CCE for this cluster: as good as a probe's acceptance.
    verifiedAt: clock(),
  };
  if (!insecure && entries.certificateAuthorityData !== "") entry.certificateAuthorityData = entries.certificateAuthorityData;
  return entry;
}

/** The checked inputs of `cluster` (the resource's own checks and defaults) and the cache file of this identity's certificate. */
export function locateCache(cluster: ClusterSelection, options: Pick<CertificateOptions, "env" | "clock">): { inputs: CheckedInputs; cacheFile: string } {
  const clock = options.clock ?? (() => new Date());
  // operations.check is this call with its stack config; here there is none.
  const checked = checkInputs({}, resourceInputs(cluster, clock()), EMPTY_CONFIG, options.env, clock());
  const failure = checked.failures[0];
  if (failure !== undefined) throw failureError(failure);
  const inputs = checked.inputs;

  const key: CacheKey = {
    endpoint: inputs.endpoint,
    project: inputs.projectId ?? `name:${inputs.projectName ?? ""}`,
    clusterId: inputs.clusterId,
    clusterKind: String(inputs.clusterKind),
    context: String(inputs.context),
    identity: credentialIdentity(resolveAuthSettings(EMPTY_CONFIG, options.env)),
  };
  const dir = cacheDirectory(options.env);
  ensureCacheDirectory(dir);
  return { inputs, cacheFile: join(dir, cacheFileName(key)) };
}

export async function obtainCertificate(cluster: ClusterSelection, options: CertificateOptions): Promise<ObtainedCertificate> {
  const clock = options.clock ?? (() => new Date());
  const debug = options.debug ?? (() => undefined);
  const verifyEveryMs = options.verifyEveryMs ?? 60_000;
  const probe = options.probe ?? probeCertificate;
  const { inputs, cacheFile } = locateCache(cluster, options);

  const fresh = (entry: CachedCertificate | undefined): entry is CachedCertificate =>
    entry !== undefined && entry.clusterId === inputs.clusterId && clock().getTime() < handOutUntil(entry.notBefore, entry.notAfter).getTime();
  const recentlyVerified = (entry: CachedCertificate) => entry.verifiedAt !== undefined && clock().getTime() - entry.verifiedAt.getTime() < verifyEveryMs;

  const unlocked = readCacheEntry(cacheFile);
  if (fresh(unlocked) && recentlyVerified(unlocked)) {
    debug(`served the cached certificate (verified ${unlocked.verifiedAt?.toISOString()}) from ${cacheFile}`);
    return { ...unlocked, minted: false, cacheFile };
  }

  return withFileLock(
    `${cacheFile}.lock`,
    async () => {
      const cached = readCacheEntry(cacheFile);
      if (fresh(cached)) {
        if (recentlyVerified(cached)) {
          debug(`served the certificate another process cached in ${cacheFile}`);
          return { ...cached, minted: false, cacheFile };
        }
        const verdict = await probe(cached);
        debug(`probed ${cached.server} with the cached certificate: ${verdict}`);
        if (verdict === "accepted") {
          const verified = { ...cached, verifiedAt: clock() };
          writeCacheEntry(cacheFile, verified);
          return { ...verified, minted: false, cacheFile };
        }
        // The server could not be asked (down, a proxy, a timeout): kubectl will find out itself.
        if (verdict === "unknown") return { ...cached, minted: false, cacheFile };
      }
      const minted = await mint(inputs, options, clock);
      writeCacheEntry(cacheFile, minted);
      debug(`minted a certificate valid until ${minted.notAfter.toISOString()} into ${cacheFile}`);
      return { ...minted, minted: true, cacheFile };
    },
    options.lock,
  );
}
