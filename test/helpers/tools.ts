/** Tests that need an external tool fail loudly when it is missing; they never skip. */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export function requireTool(name: string, extraDirs: string[] = []): string {
  const dirs = [...extraDirs, ...(process.env["PATH"] ?? "").split(delimiter)];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is required by this test and was not found on PATH (${dirs.join(delimiter)})`);
}
