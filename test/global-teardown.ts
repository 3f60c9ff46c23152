/**
 * After the whole suite: scans everything the tests printed (helpers/capture.ts) for credentials,
 * then removes the work folder. A hit fails the run, naming where, never what.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { scanOutput } from "./helpers/output-scan";

export default async function globalTeardown(): Promise<void> {
  const work = process.env["CCE_TEST_WORK_DIR"];
  const capture = process.env["CCE_TEST_CAPTURE_DIR"];
  try {
    if (capture && existsSync(capture)) {
      const files = readdirSync(capture);
      const texts = files.map((f) => readFileSync(join(capture, f), "utf8"));
      const hits = scanOutput(texts, files);
      const lines = texts.reduce((n, t) => n + t.split("\n").length, 0);
      process.stdout.write(`output scan: ${lines} captured lines from ${files.length} processes, ${hits.length} credential hits\n`);
      if (hits.length > 0) {
        throw new Error(`credentials in test output: ${hits.map((h) => `${h.what} in ${h.where}`).join("; ")}`);
      }
    }
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}
