/**
 * The certificate cache of `cce-kubeconfig credential`: one JSON file per cluster and identity
 * (cache-key.ts) holding a client certificate, its key, and the server and CA CCE answered with it
 * (the probe's target). The folder is the owner's only (0700), each file 0600, and every write is
 * atomic (atomic-file.ts): a reader sees the old entry or the new one, never half of either.
 */
import { chmodSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { Environment } from "../config/settings";
import { CredentialCacheError } from "../errors";
import { readCertificate } from "../kubeconfig/certificate";
import { writeFileAtomically } from "./atomic-file";

/** Overrides the folder (tests; a user who wants it elsewhere). */
export const CACHE_DIR_ENV = "CCE_KUBECONFIG_CACHE_DIR";

/** `$CCE_KUBECONFIG_CACHE_DIR`, else `$XDG_CACHE_HOME/cce-kubeconfig`, else `~/.cache/cce-kubeconfig`. */
export function cacheDirectory(env: Environment, home: () => string = homedir): string {
  const explicit = env[CACHE_DIR_ENV]?.trim();
  if (explicit) return explicit;
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env["XDG_CACHE_HOME"]?.trim();
  return xdg && isAbsolute(xdg) ? join(xdg, "cce-kubeconfig") : join(home(), ".cache", "cce-kubeconfig");
}

export interface CachedCertificate {
  clusterId: string;
  /** The API server of the chosen context, as CCE's clustercert answer gave it. */
  server: string;
  /** Base64 of the cluster CA's PEM; absent when the context skips TLS verification. */
  certificateAuthorityData?: string;
  insecureSkipTlsVerify: boolean;
  certificatePem: string;
  keyPem: string;
  /** Read from the certificate itself, never from the file's word. */
  notBefore: Date;
  notAfter: Date;
  /** When the API server last accepted the certificate (a mint counts); unset: never checked. */
  verifiedAt?: Date;
}

/** The file's format; a file of another version is ignored (and replaced by the next mint). */
const CACHE_VERSION = 1;

interface StoredEntry {
  version: number;
  clusterId: string;
  server: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify: boolean;
  certificatePem: string;
  keyPem: string;
  verifiedAt?: string;
}

/**
 * Creates the folder 0700, or narrows an existing one of ours to 0700. A folder of another user is
 * refused: they could read the keys, or plant a certificate for us to hand out.
 */
export function ensureCacheDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CredentialCacheError(`cannot create the certificate cache folder ${dir} (${(error as NodeJS.ErrnoException).code ?? "error"})`, dir);
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new CredentialCacheError(`the certificate cache path ${dir} is not a folder`, dir);
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) {
    throw new CredentialCacheError(`the certificate cache folder ${dir} belongs to another user (uid ${stat.uid}); set ${CACHE_DIR_ENV} to a folder of yours`, dir);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

const str = (value: unknown): value is string => typeof value === "string" && value !== "";

/** The entry at `file`, or undefined when there is none or it cannot be used (corrupt, another version, an unreadable certificate). */
export function readCacheEntry(file: string): CachedCertificate | undefined {
  let stored: Partial<StoredEntry>;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    stored = parsed as Partial<StoredEntry>;
  } catch {
    return undefined;
  }
  if (stored.version !== CACHE_VERSION || !str(stored.clusterId) || !str(stored.server) || !str(stored.certificatePem) || !str(stored.keyPem)) return undefined;
  let facts;
  try {
    facts = readCertificate(stored.certificatePem);
  } catch {
    return undefined;
  }
  const entry: CachedCertificate = {
    clusterId: stored.clusterId,
    server: stored.server,
    insecureSkipTlsVerify: stored.insecureSkipTlsVerify === true,
    certificatePem: stored.certificatePem,
    keyPem: stored.keyPem,
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
  };
  if (str(stored.certificateAuthorityData)) entry.certificateAuthorityData = stored.certificateAuthorityData;
  const verifiedAt = str(stored.verifiedAt) ? new Date(stored.verifiedAt) : undefined;
  if (verifiedAt !== undefined && !Number.isNaN(verifiedAt.getTime())) entry.verifiedAt = verifiedAt;
  return entry;
}

/** Writes `entry` to `file` atomically, mode 0600 (a temporary file in the same folder, renamed over it). */
export function writeCacheEntry(file: string, entry: CachedCertificate): void {
  const stored: StoredEntry = {
    version: CACHE_VERSION,
    clusterId: entry.clusterId,
    server: entry.server,
    insecureSkipTlsVerify: entry.insecureSkipTlsVerify,
    certificatePem: entry.certificatePem,
    keyPem: entry.keyPem,
  };
  if (entry.certificateAuthorityData !== undefined) stored.certificateAuthorityData = entry.certificateAuthorityData;
  if (entry.verifiedAt !== undefined) stored.verifiedAt = entry.verifiedAt.toISOString();
  writeFileAtomically(file, `${JSON.stringify(stored)}\n`, 0o600, (message) => new CredentialCacheError(message, file));
}
