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

/**
 * The release's single executable carries the full command as an asset (scripts/release/sea.js), so
 * that a cached call parses only this small script; elsewhere it is ./cli beside this file.
 */
const FULL_COMMAND_ASSET = "cli.js";

interface SeaApi {
  isSea(): boolean;
  getAsset(key: string, encoding: "utf8"): string;
}
interface CompilableModule {
  _compile(code: string, filename: string): void;
  exports: typeof import("./cli");
}

function runFullCommand(): void {
  let sea: SeaApi | undefined;
  try {
    sea = require("node:sea") as SeaApi;
  } catch {
    sea = undefined; // a Node without single executable applications
  }
  if (sea?.isSea() === true) {
    const Module = require("node:module") as new (id: string) => CompilableModule;
    const full = new Module(FULL_COMMAND_ASSET);
    full._compile(sea.getAsset(FULL_COMMAND_ASSET, "utf8"), FULL_COMMAND_ASSET);
    full.exports.main();
    return;
  }
  (require("./cli") as typeof import("./cli")).main();
}

const served = cachedCredential(process.argv.slice(2), process.env);
if (served !== undefined) process.stdout.write(served);
else runFullCommand();
