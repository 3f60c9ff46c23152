/**
 * Writing a file so that a reader sees the old contents or the new, never half: a new file beside
 * it, created with its final mode and O_EXCL (so a planted file or link of that name is never
 * written through), renamed over it. Used for cache entries (which hold keys) and kubeconfigs.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** `text` to `file` with `mode`; a failure is `fail`'s error, with the errno code (never the text). */
export function writeFileAtomically(file: string, text: string, mode: number, fail: (message: string) => Error): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temporary, text, { mode, flag: "wx" });
    // The umask may have narrowed `mode`, never widened it; a chmod makes it exact.
    chmodSync(temporary, mode);
    renameSync(temporary, file);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // never created, or already renamed
    }
    throw fail(`cannot write ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}
