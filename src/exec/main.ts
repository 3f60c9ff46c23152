#!/usr/bin/env node
/**
 * The `cce-kubeconfig` executable. kubectl runs it at every call, so a call the cache can answer
 * (fast-credential.ts) is answered before the rest of the command is loaded; everything else,
 * including every error, is the full command's (cli.ts).
 */
import * as nodeModule from "node:module";

// Node 22.8+ keeps compiled code between runs (in the OS temporary folder, checked against each
// source); earlier releases have no such function, and lose only that speed.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Loaded after the compile cache is on, so that they come from it.
const { cachedCredential } = require("./fast-credential") as typeof import("./fast-credential");

const served = cachedCredential(process.argv.slice(2), process.env);
if (served !== undefined) {
  process.stdout.write(served);
} else {
  (require("./cli") as typeof import("./cli")).main();
}
