/**
 * A Pulumi program folder with this package installed the way users get it: `npm pack`, then
 * `npm install <tarball>` beside `@pulumi/pulumi`. The serialized provider then reaches the package
 * from `node_modules`, exactly as in real use.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
/** The SDK version the package is built and tested against (newest that supports Node 20). */
export const PULUMI_SDK_VERSION = "3.248.0";

export function buildPackage(): void {
  execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: REPO_ROOT, stdio: "inherit" });
}

/** Packs the built package and returns the tarball's path. */
export function packPackage(destination: string): string {
  mkdirSync(destination, { recursive: true });
  execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", destination], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = readdirSync(destination).find((f) => f.endsWith(".tgz"));
  if (!tarball) throw new Error(`npm pack left no tarball in ${destination}`);
  return join(destination, tarball);
}

/** Creates a program folder and installs the tarball and extra packages into it. */
export function installProgram(tarball: string, extraPackages: string[] = [], dir = mkdtempSync(join(tmpdir(), "cce-program-"))): string {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "cce-test-program", private: true }));
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball, `@pulumi/pulumi@${PULUMI_SDK_VERSION}`, ...extraPackages],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  return dir;
}
