/**
 * The certificate cache of `cce-kubeconfig credential`: one JSON file per cluster and identity
 * (cache-key.ts) holding a client certificate, its key, and the server and CA CCE answered with it
 * (the probe's target). The folder is the owner's only (0700), each file 0600, and every write is
 * atomic (atomic-file.ts): a reader sees the old entry or the new one, never half of either.
 *
 * The folder and its entries are trusted only as the user's own (issue 21, item 4): a folder that
 * is a link, relative, another user's or writable by others is refused, never repaired through a
 * path that may lead elsewhere; an entry that is a link, not a regular file or another user's is
 * not read.
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, unlinkSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { readCappedFile } from "../config/capped-file";
import type { Environment } from "../config/settings";
import { CredentialCacheError } from "../errors";
import { readCertificate } from "../kubeconfig/certificate";
import { writeFileAtomically } from "./atomic-file";

/** Overrides the folder (tests; a user who wants it elsewhere). */
export const CACHE_DIR_ENV = "CCE_KUBECONFIG_CACHE_DIR";

/** Where the folder came from, for messages: the variable that named it, or the default. */
export function cacheDirectorySource(env: Environment): string {
  if (env[CACHE_DIR_ENV]?.trim()) return CACHE_DIR_ENV;
  const xdg = env["XDG_CACHE_HOME"]?.trim();
  return xdg && isAbsolute(xdg) ? "XDG_CACHE_HOME" : "the default ~/.cache/cce-kubeconfig";
}

/**
 * `$CCE_KUBECONFIG_CACHE_DIR`, else `$XDG_CACHE_HOME/cce-kubeconfig`, else `~/.cache/cce-kubeconfig`.
 * A relative folder is refused: keys would land in whatever folder kubectl runs in.
 */
export function cacheDirectory(env: Environment, home: () => string = homedir): string {
  const explicit = env[CACHE_DIR_ENV]?.trim();
  // The XDG spec: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const xdg = env["XDG_CACHE_HOME"]?.trim();
  const dir = explicit || (xdg && isAbsolute(xdg) ? join(xdg, "cce-kubeconfig") : join(home(), ".cache", "cce-kubeconfig"));
  if (!isAbsolute(dir)) {
    throw new CredentialCacheError(`the certificate cache folder ${dir} (${cacheDirectorySource(env)}) is a relative path: set ${CACHE_DIR_ENV} to an absolute folder of yours`, dir);
  }
  return dir;
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
  /** When this command minted the certificate; unset for a certificate it did not mint (planted, copied, or of an older version). */
  mintedAt?: Date;
  /** When a probe last got no answer that tells (down, unreachable, slow); a probe is not repeated soon after. */
  unreachableAt?: Date;
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
  mintedAt?: string;
  /** SHA-256 of the certificate minted at mintedAt: mintedAt counts only for that certificate. */
  mintedSha256?: string;
  unreachableAt?: string;
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** A stored ISO date, or undefined when absent or not a date. */
function storedDate(value: unknown): Date | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Why a folder of ours cannot hold keys, or undefined when it can. */
function folderProblem(stat: Stats): string | undefined {
  if (!stat.isDirectory()) return "is not a folder";
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return `belongs to another user (uid ${stat.uid})`;
  // Whoever can write the folder can swap an entry (a certificate for us to hand out) or its lock.
  if ((stat.mode & 0o022) !== 0) return `is writable by ${(stat.mode & 0o020) !== 0 ? "its group" : "others"} (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}

const isLink = (path: string): boolean => {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
};

/**
 * Creates the folder 0700, or takes an existing one that is the user's own. A link, another user's
 * folder or one others can write is refused and left as it is: changing its mode through a path
 * that may lead elsewhere is what an attacker would want. A folder of ours that others can only
 * read is narrowed to 0700 through its open handle (fchmod), never through the path.
 * `source` names the setting that chose the folder (cacheDirectorySource).
 */
export function ensureCacheDirectory(dir: string, source: string = CACHE_DIR_ENV): void {
  const refuse = (why: string) => new CredentialCacheError(`the certificate cache folder ${dir} (${source}) ${why}; set ${CACHE_DIR_ENV} to a folder of yours`, dir);
  if (!isAbsolute(dir)) throw refuse("is a relative path");
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CredentialCacheError(`cannot create the certificate cache folder ${dir} (${source}) (${(error as NodeJS.ErrnoException).code ?? "error"})`, dir);
  }
  let fd: number;
  try {
    // O_NOFOLLOW: the folder itself must not be a link (the folders above it may be).
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  } catch (error) {
    // Linux answers ENOTDIR, not ELOOP, for a link opened with O_DIRECTORY | O_NOFOLLOW.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ELOOP" || code === "ENOTDIR") throw refuse(isLink(dir) ? "is a link" : "is not a folder");
    throw refuse(`cannot be opened (${code ?? "error"})`);
  }
  try {
    const stat = fstatSync(fd);
    const problem = folderProblem(stat);
    if (problem !== undefined) throw refuse(problem);
    if ((stat.mode & 0o077) !== 0) fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

/**
 * A cache entry is under 8 kB (a certificate, a key, a CA, in base64 and PEM); a file far larger
 * is not one. Kept small because the buffer is allocated at every kubectl call.
 */
const MAX_ENTRY_BYTES = 64 * 1024;

const str = (value: unknown): value is string => typeof value === "string" && value !== "";

/** The entry at `file`, or undefined when there is none or it cannot be used (a link, not ours, corrupt, another version, an unreadable certificate). */
export function readCacheEntry(file: string): CachedCertificate | undefined {
  // Not through a link, and only a regular file of ours that others cannot write: anything else
  // reads as absent, and the next write replaces it (by a rename, which replaces a link itself).
  const read = readCappedFile(file, MAX_ENTRY_BYTES, { followLinks: false });
  if (!read.ok) return undefined;
  if (typeof process.getuid === "function" && read.stat.uid !== process.getuid()) return undefined;
  if ((read.stat.mode & 0o022) !== 0) return undefined;
  let stored: Partial<StoredEntry>;
  try {
    const parsed: unknown = JSON.parse(read.bytes.toString("utf8"));
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
  const verifiedAt = storedDate(stored.verifiedAt);
  if (verifiedAt !== undefined) entry.verifiedAt = verifiedAt;
  const mintedAt = storedDate(stored.mintedAt);
  if (mintedAt !== undefined && stored.mintedSha256 === sha256(entry.certificatePem)) entry.mintedAt = mintedAt;
  const unreachableAt = storedDate(stored.unreachableAt);
  if (unreachableAt !== undefined) entry.unreachableAt = unreachableAt;
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
  if (entry.mintedAt !== undefined) Object.assign(stored, { mintedAt: entry.mintedAt.toISOString(), mintedSha256: sha256(entry.certificatePem) });
  if (entry.unreachableAt !== undefined) stored.unreachableAt = entry.unreachableAt.toISOString();
  writeFileAtomically(file, `${JSON.stringify(stored)}\n`, 0o600, (message) => new CredentialCacheError(message, file));
}

/**
 * Deletes what a newly written entry makes useless (issue 21, item 5): entries of the same slot
 * (`supersededPrefix`, cache-key.ts: the last rotation's keys) and entries of any cluster whose
 * certificate has expired, so rotating temporary keys leave one private key, not one per rotation.
 * Only regular files of ours ending in `.json` are touched (readCacheEntry's checks), and only
 * after `kept` was written. Returns the names deleted, for the debug log (names hold no secret).
 */
export function pruneCacheEntries(dir: string, kept: string, supersededPrefix: string, now: Date): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const deleted: string[] = [];
  for (const name of names) {
    if (name === kept || !name.endsWith(".json")) continue;
    const file = join(dir, name);
    const entry = readCacheEntry(file);
    if (entry === undefined) continue;
    if (!name.startsWith(supersededPrefix) && entry.notAfter.getTime() > now.getTime()) continue;
    try {
      unlinkSync(file);
      deleted.push(name);
    } catch {
      // Gone already (another process pruned it): nothing to do.
    }
  }
  return deleted;
}
