/**
 * Runs once before the suite: builds `dist/` (the emulator bin and the packed package use it) and
 * installs the packed package into a program folder that the serialization, host and engine
 * tests share. Its path reaches the test workers through CCE_TEST_PROGRAM_DIR.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLOSED_METADATA_URL } from "./helpers/cloud-free-env";
import { buildPackage, installProgram, KUBERNETES_SDK_VERSION, packPackage } from "./helpers/packed-program";

export default async function globalSetup(): Promise<void> {
  // Workers inherit it: a test that finds no credentials asks a closed loopback port, never 169.254.169.254.
  process.env["HW_ECS_METADATA_URL"] ??= CLOSED_METADATA_URL;
  buildPackage();
  const work = mkdtempSync(join(tmpdir(), "cce-kubeconfig-test-"));
  const tarball = packPackage(join(work, "pack"));
  process.env["CCE_TEST_WORK_DIR"] = work;
  process.env["CCE_TEST_CAPTURE_DIR"] = join(work, "captured-output");
  process.env["CCE_TEST_TARBALL"] = tarball;
  process.env["CCE_TEST_PROGRAM_DIR"] = installProgram(tarball, mkdtempSync(join(work, "program-")), [
    `@pulumi/kubernetes@${KUBERNETES_SDK_VERSION}`,
    // What `pulumi new typescript` installs beside the SDK, for the TypeScript programs test.
    "@types/node@20",
  ]);
}
