/**
 * Reads a small file that another program writes (a token, a KooCLI profile) within a byte cap,
 * whatever the path turns out to be. `stat` then `readFile` is not enough: a FIFO or a device
 * reports size 0, so a named pipe would be read past the cap, `/dev/zero` until memory runs out,
 * and opening a FIFO with no writer blocks forever. So the file is opened non-blocking, the open
 * handle (not the path, which can change in between) must be a regular file, and at most cap + 1
 * bytes are read: one byte more than the cap is enough to know it is too large.
 *
 * Links are followed on purpose: Kubernetes projects a service-account token as a link into
 * `..data/`, and dotfile managers link `~/.hcloud/config.json`; what matters is what the link
 * leads to, and the handle's fstat checks exactly that.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

export type CappedFileProblem = "missing" | "not a file" | "too large" | "unreadable";
export type CappedFileRead = { ok: true; bytes: Buffer; stat: Stats } | { ok: false; problem: CappedFileProblem; reason: string };

export interface CappedFileOptions {
  /**
   * Refuse a link as the last part of the path (O_NOFOLLOW: the open fails with ELOOP), for files
   * this package writes itself and so never links (the exec command's cache entries).
   * @default true
   */
  followLinks?: boolean;
}

const unreadable = (error: unknown): CappedFileRead => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return { ok: false, problem: "missing", reason: "cannot be read (ENOENT)" };
  return { ok: false, problem: "unreadable", reason: `cannot be read (${code ?? "error"})` };
};

/** The file's bytes, at most `cap`; else why not (`is not a regular file`, `is larger than …`, `cannot be read (CODE)`). */
export function readCappedFile(path: string, cap: number, options: CappedFileOptions = {}): CappedFileRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO that has no writer returns at once instead of waiting for one.
    const noFollow = options.followLinks === false ? constants.O_NOFOLLOW : 0;
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | noFollow);
  } catch (error) {
    return unreadable(error);
  }
  try {
    const stat = fstatSync(fd);
    // A folder is reported as reading one fails (EISDIR), as before this check existed.
    if (stat.isDirectory()) return { ok: false, problem: "unreadable", reason: "cannot be read (EISDIR)" };
    if (!stat.isFile()) return { ok: false, problem: "not a file", reason: "is not a regular file (a FIFO or a device)" };
    const buffer = Buffer.alloc(cap + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > cap) return { ok: false, problem: "too large", reason: `is larger than ${cap} bytes` };
    return { ok: true, bytes: buffer.subarray(0, length), stat };
  } catch (error) {
    return unreadable(error);
  } finally {
    closeSync(fd);
  }
}
