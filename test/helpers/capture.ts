/**
 * Suite-wide capture of what tests print: every console line of every test file, and the output
 * of the engine and of the dynamic-provider host, go to files that global-teardown.ts scans for
 * credentials after the whole suite (see helpers/output-scan.ts).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

export function captureDir(): string | undefined {
  return process.env["CCE_TEST_CAPTURE_DIR"];
}

/** Appends `text` to this process's capture file, under a label. */
export function recordOutput(label: string, text: string): void {
  const dir = captureDir();
  if (!dir || text === "") return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.log`), `### ${label}\n${text}\n`);
}
