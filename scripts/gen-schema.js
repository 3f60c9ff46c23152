#!/usr/bin/env node
// @ts-check
/**
 * Writes schema.json (the provider plugin's Pulumi package schema) from src/plugin/schema.ts, as
 * built into dist/ (run `npm run build` first; `npm run gen-schema` does both). `--check` writes
 * nothing and fails when schema.json differs from what would be written.
 */
const { readFileSync, writeFileSync } = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const { packageSchema } = require(path.join(root, "dist", "plugin", "schema.js"));
const { VERSION } = require(path.join(root, "dist", "plugin", "version.js"));
const text = `${JSON.stringify(packageSchema(VERSION), null, 2)}\n`;
const file = path.join(root, "schema.json");
if (process.argv.includes("--check")) {
  const current = readFileSync(file, "utf8");
  if (current !== text) {
    console.error("schema.json is out of date: run npm run gen-schema and commit it");
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
  console.log(file);
}
