/**
 * The cached path of `cce-kubeconfig credential`, which kubectl runs at every call: find the cache
 * entry an earlier call of the same command line and settings used, and print its certificate when
 * it is fresh and was accepted within the last minute. It loads no settings resolver, input schema,
 * HTTP client or YAML parser; anything it cannot decide (no record of the call, an expiring or
 * unverified certificate, a changed setting or credentials file, a bad cache folder) goes to the
 * full command, which decides as it always did and records the call for the next time.
 *
 * A call is recognised by an HMAC of its command line, every environment variable a setting can
 * come from, and the identity (path, inode, size, times) of the files that can name the identity
 * (a KooCLI profile, an ID token, an SDK credentials file). The HMAC key is a random file in the
 * cache folder, so a record's name says nothing about the settings, the secret key included.
 */
import { createHmac, randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, constants as fs, readdirSync, readSync, statSync, unlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { writeFileAtomically } from "./atomic-file";
import { cacheDirectory, ensureCacheDirectory, readCacheEntry } from "./cache";
import { execApiVersion, execCredential } from "./exec-credential";
import { DEFAULT_VERIFY_EVERY_MS, handOutUntil } from "./hand-out";

type Env = Readonly<Record<string, string | undefined>>;

/** Variables a setting, the cache folder or the credential chain can be read from (over-inclusive on purpose). */
const SETTING_PREFIXES = ["HW_", "HC_", "HUAWEICLOUD_", "CCE_KUBECONFIG_"];
const OTHER_SETTINGS = ["HOME", "XDG_CACHE_HOME"];
/** The full command's debug switch: its messages come from the full path only. */
const DEBUG_ENV = "CCE_KUBECONFIG_DEBUG";

const KEY_FILE = "calls.key";
const RECORD_PREFIX = "call-";
const RECORD_SUFFIX = ".ref";
/** A record older than this is deleted when another is written: it only ever saved one slow call. */
const RECORD_TTL_MS = 24 * 3_600_000;
/** The names the full command gives cache entries (cache-key.ts cacheFileName). */
const ENTRY_NAME = /^[A-Za-z0-9_-]{1,200}\.json$/;

/** Files whose contents can decide who the chain signs in as; their identity is part of the call's. */
function identityFiles(env: Env): string[] {
  const home = env["HOME"] ?? "";
  return [
    env["HW_SHARED_CONFIG_FILE"] ?? join(home, ".hcloud", "config.json"),
    env["HW_ASSUME_ROLE_ID_TOKEN_FILE"] ?? "",
    env["HUAWEICLOUD_SDK_CREDENTIALS_FILE"] ?? join(home, ".huaweicloud", "credentials"),
    env["HUAWEICLOUD_SDK_ID_TOKEN_FILE"] ?? "",
  ].filter((path) => path !== "");
}

function fileIdentity(path: string): unknown {
  try {
    const s = statSync(path, { bigint: true });
    return [path, String(s.dev), String(s.ino), String(s.size), String(s.mtimeNs), String(s.ctimeNs)];
  } catch {
    return [path, "absent"];
  }
}

/** What makes two calls the same call: the command line, the settings' variables, and the identity files. */
function callFacts(argv: readonly string[], env: Env): string {
  const variables = Object.keys(env)
    .filter((name) => OTHER_SETTINGS.includes(name) || SETTING_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort()
    .map((name) => [name, env[name]]);
  return JSON.stringify([1, argv, variables, identityFiles(env).map(fileIdentity)]);
}

/** The contents of a regular file of ours, read without following a link and without blocking; undefined otherwise. */
function readOwnFile(path: string, cap: number): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, fs.O_RDONLY | fs.O_NOFOLLOW | fs.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile() || (typeof process.getuid === "function" && s.uid !== process.getuid()) || s.size > cap) return undefined;
    const buffer = Buffer.alloc(cap + 1);
    const length = readSync(fd, buffer, 0, cap + 1, 0);
    return length > cap ? undefined : buffer.subarray(0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

const recordName = (key: Buffer, argv: readonly string[], env: Env): string =>
  `${RECORD_PREFIX}${createHmac("sha256", key).update(callFacts(argv, env)).digest("hex").slice(0, 40)}${RECORD_SUFFIX}`;

/**
 * The ExecCredential JSON (with its newline) for `argv` (without node and the script), or
 * undefined when the full command must answer. Never throws: any doubt is the full command's.
 */
export function cachedCredential(argv: readonly string[], env: Env, now: () => number = Date.now): string | undefined {
  if (argv[0] !== "credential" || env[DEBUG_ENV] === "1") return undefined;
  try {
    const dir = cacheDirectory(env);
    const key = readOwnFile(join(dir, KEY_FILE), 64);
    if (key === undefined || key.length < 32) return undefined;
    const entryName = readOwnFile(join(dir, recordName(key, argv, env)), 256)?.toString("utf8");
    if (entryName === undefined || !ENTRY_NAME.test(entryName)) return undefined;
    // The same checks of the folder as the full command's (owner, mode, not a link), before a key is read from it.
    ensureCacheDirectory(dir);
    const entry = readCacheEntry(join(dir, entryName));
    const verifiedAt = entry?.verifiedAt?.getTime();
    if (entry === undefined || verifiedAt === undefined || now() - verifiedAt >= DEFAULT_VERIFY_EVERY_MS) return undefined;
    const until = handOutUntil(entry.notBefore, entry.notAfter);
    if (now() >= until.getTime()) return undefined;
    const credential = execCredential(execApiVersion(env["KUBERNETES_EXEC_INFO"]), entry.certificatePem, entry.keyPem, until);
    return `${JSON.stringify(credential)}\n`;
  } catch {
    return undefined;
  }
}

/** The folder's HMAC key, made (0600, never over an existing file) when there is none. */
function recordKey(dir: string): Buffer | undefined {
  const existing = readOwnFile(join(dir, KEY_FILE), 64);
  if (existing !== undefined && existing.length >= 32) return existing;
  try {
    writeFileAtomically(join(dir, KEY_FILE), randomBytes(32).toString("hex"), 0o600, (message) => new Error(message));
  } catch {
    return undefined;
  }
  return readOwnFile(join(dir, KEY_FILE), 64);
}

/** Deletes records older than RECORD_TTL_MS (a new OIDC token, say, makes a new record each job). */
function pruneRecords(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(RECORD_PREFIX) || !name.endsWith(RECORD_SUFFIX)) continue;
    try {
      if (now - statSync(join(dir, name)).mtimeMs > RECORD_TTL_MS) unlinkSync(join(dir, name));
    } catch {
      // gone already
    }
  }
}

/**
 * Records that `argv` with `env` is served by the cache entry `cacheFile` (in the cache folder the
 * full command just checked). A failure only costs the next call its speed: it is reported, never thrown.
 */
export function rememberCall(argv: readonly string[], env: Env, cacheFile: string, now: number = Date.now()): string | undefined {
  try {
    const dir = cacheDirectory(env);
    const key = recordKey(dir);
    if (key === undefined) return `cannot make ${join(dir, KEY_FILE)}`;
    pruneRecords(dir, now);
    writeFileAtomically(join(dir, recordName(key, argv, env)), basename(cacheFile), 0o600, (message) => new Error(message));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
