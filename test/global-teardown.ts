import { rmSync } from "node:fs";

export default async function globalTeardown(): Promise<void> {
  const work = process.env["CCE_TEST_WORK_DIR"];
  if (work) rmSync(work, { recursive: true, force: true });
}
