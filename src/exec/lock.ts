/**
 * A lock file beside a cache entry, so that twenty `kubectl` processes started at once mint one
 * certificate: the first creates `<entry>.lock` with `open(…, "wx")` (O_CREAT|O_EXCL, atomic on
 * local file systems), the others wait for it to go away. Node built-ins only.
 *
 * A holder that died leaves its lock behind; it is taken over when its holder's process is gone
 * (same host) or when its holder stopped touching it (`staleAfterMs`, any host: the holder touches
 * the file every `heartbeatMs` while it works, so a slow mint is not mistaken for a dead one).
 */
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { CredentialCacheError } from "../errors";

export interface LockOptions {
  /** A lock untouched this long is a dead holder's. @default 30_000 (ms: six missed heartbeats) */
  staleAfterMs?: number;
  /** How often the holder touches its lock. @default 5_000 (ms) */
  heartbeatMs?: number;
  /** Wait between attempts to take a held lock, plus up to as much again of jitter. @default 50 (ms) */
  pollMs?: number;
  /**
   * Give up waiting after this long. A holder's work is bounded by its calls' budgets (a project
   * lookup and a mint, 2 minutes each at most, and a 5-second probe), so a wait this long means a
   * holder that hangs without dying. @default 300_000 (ms)
   */
  maxWaitMs?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default a timer */
  sleep?: (ms: number) => Promise<void>;
}

interface LockOwner {
  pid: number;
  host: string;
  /** Tells this holder's lock from a later one at the same path. */
  token: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function readOwner(path: string): Partial<LockOwner> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Partial<LockOwner>) : undefined;
  } catch {
    // Not there any more, or created but not yet written: not proof of anything.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;

/** Whether the lock at `path` is a dead holder's; its stat, to check it is still that file when taking over. */
function staleLock(path: string, staleAfterMs: number, now: number): { ino: number; mtimeMs: number } | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (now - stat.mtimeMs > staleAfterMs) return { ino: stat.ino, mtimeMs: stat.mtimeMs };
  const owner = readOwner(path);
  const deadHere = owner?.host === hostname() && typeof owner.pid === "number" && owner.pid !== process.pid && !isAlive(owner.pid);
  return deadHere ? { ino: stat.ino, mtimeMs: stat.mtimeMs } : undefined;
}

/**
 * Removes a stale lock if it is still the file judged stale. Between that stat and the unlink
 * another waiter may have taken over first and created a fresh lock; the window is a stat call
 * wide, and losing it costs a second mint, never a torn cache file (writes are atomic renames).
 */
function takeOver(path: string, stale: { ino: number; mtimeMs: number }): void {
  try {
    const again = statSync(path);
    if (again.ino === stale.ino && again.mtimeMs === stale.mtimeMs) unlinkSync(path);
  } catch {
    // Already gone: the next attempt creates it.
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return false;
    throw new CredentialCacheError(`cannot create the lock file ${path} (${errnoOf(error) ?? "error"})`, path);
  }
  try {
    writeSync(fd, JSON.stringify(owner));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Runs `work` while holding the lock file at `path`; the lock is removed afterwards, even when `work` fails. */
export async function withFileLock<T>(path: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const maxWaitMs = options.maxWaitMs ?? 300_000;
  const owner: LockOwner = { pid: process.pid, host: hostname(), token: randomBytes(16).toString("hex") };
  const started = now();

  while (!tryCreate(path, owner)) {
    const stale = staleLock(path, staleAfterMs, now());
    if (stale !== undefined) {
      takeOver(path, stale);
      continue;
    }
    if (now() - started > maxWaitMs) {
      const holder = readOwner(path);
      throw new CredentialCacheError(
        `waited ${Math.round(maxWaitMs / 1000)} s for the lock ${path}, held by process ${holder?.pid ?? "unknown"} on ${holder?.host ?? "an unknown host"}; ` +
          "remove the file if that process is gone",
        path,
      );
    }
    await sleep(pollMs + Math.floor(Math.random() * pollMs));
  }

  const heartbeat = setInterval(() => {
    try {
      const at = new Date();
      utimesSync(path, at, at);
    } catch {
      // Taken over (we were presumed dead): nothing to keep alive.
    }
  }, options.heartbeatMs ?? 5_000);
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    // Only our own lock: after a takeover the file at `path` is someone else's.
    if (readOwner(path)?.token === owner.token) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone.
      }
    }
  }
}
