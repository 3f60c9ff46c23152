/**
 * Writing a file so that a reader sees the old contents or the new, never half, and a crash leaves
 * one of the two: a new file beside it, created with its final mode and O_EXCL (so a planted file
 * or link of that name is never written through), written and fsynced, renamed over it, and the
 * folder fsynced so the rename itself is on disk (a kubeconfig holds every other cluster's
 * credentials; an empty one after a power cut loses them all). Used for cache entries (which hold
 * keys) and kubeconfigs.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface AtomicWriteOptions {
  /** The owner to give the new file (the file it replaces keeps its owner); unset: whoever writes. */
  owner?: { uid: number; gid: number };
}

/** Makes a rename in `folder` durable; a file system that cannot fsync a folder is left to its own guarantees. */
function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // EINVAL or EISDIR on some file systems: nothing more can be done there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes, fsyncs and closes the new file at `temporary`. */
function writeNewFile(temporary: string, text: string, mode: number, options: AtomicWriteOptions): void {
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  try {
    const bytes = Buffer.from(text, "utf8");
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    // The umask may have narrowed `mode`, never widened it; fchmod makes it exact.
    fchmodSync(fd, mode);
    if (options.owner !== undefined) fchownSync(fd, options.owner.uid, options.owner.gid);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `text` to `file` with `mode`; a failure is `fail`'s error, with the errno code (never the text). */
export function writeFileAtomically(file: string, text: string, mode: number, fail: (message: string) => Error, options: AtomicWriteOptions = {}): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeNewFile(temporary, text, mode, options);
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already renamed
    }
    throw fail(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  fsyncFolder(dirname(file));
}
