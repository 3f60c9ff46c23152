/** The packed-program folder prepared by global-setup.ts. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

export function programDir(): string {
  const dir = process.env["CCE_TEST_PROGRAM_DIR"];
  if (!dir) throw new Error("CCE_TEST_PROGRAM_DIR is not set: run the suite through jest's globalSetup (npm test)");
  return dir;
}

const execFileAsync = promisify(execFile);

/**
 * Runs a script with Node in the program folder, asynchronously so that the emulator in this
 * process keeps answering. Returns its stdout.
 */
export async function runNode(script: string, env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ["-e", script], {
    cwd: programDir(),
    env: { ...process.env, ...env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}
