#!/usr/bin/env node
/**
 * `cce-emulator [--port N] [--host 127.0.0.1] [--eip] [--config file.json]`
 *
 * Starts the emulator and prints one JSON line on stdout, `{url, authUrl, projectId, clusterId,
 * accessKey, secretKey, token}`: the emulator's own throwaway credentials, for the user to configure
 * (`authUrl` is its IAM, for the users, agencies and identity providers of a `--config` file).
 * Stops on SIGINT or SIGTERM.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { InvalidInputError } from "../errors";
import { parseEmulatorConfig } from "./config";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, defaultProjects, randomCredential, startEmulator } from "./emulator";
import type { EmulatorOptions } from "./types";

const USAGE = "usage: cce-emulator [--port N] [--host 127.0.0.1] [--eip] [--config file.json]";

function optionsFromArgs(argv: string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      eip: { type: "boolean" },
      config: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const options: EmulatorOptions =
    values.config !== undefined ? parseEmulatorConfig(readFileSync(values.config, "utf8"), values.config) : {};
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new InvalidInputError("--port", "must be an integer from 0 to 65535");
    options.port = port;
  }
  if (values.host !== undefined) options.host = values.host;
  if (values.eip === true) {
    // --eip binds an EIP to every cluster: the configured ones, or the default one.
    const projects = options.projects ?? defaultProjects();
    options.projects = projects.map((project) => ({
      ...project,
      clusters: project.clusters.map((cluster) => ({ ...cluster, eip: true })),
    }));
  }
  if (options.credentials === undefined) {
    const accessKey = env.CCE_EMULATOR_ACCESS_KEY;
    const secretKey = env.CCE_EMULATOR_SECRET_KEY;
    if ((accessKey === undefined) !== (secretKey === undefined)) {
      throw new InvalidInputError("CCE_EMULATOR_ACCESS_KEY", "set both CCE_EMULATOR_ACCESS_KEY and CCE_EMULATOR_SECRET_KEY, or neither");
    }
    options.credentials = [accessKey && secretKey ? { accessKey, secretKey } : randomCredential()];
  }
  return options;
}

async function main(): Promise<void> {
  const options = optionsFromArgs(process.argv.slice(2), process.env);
  const emulator = await startEmulator(options);
  const first = options.projects?.[0];
  const projectId = first?.id ?? DEFAULT_PROJECT_ID;
  const clusterId = first === undefined ? DEFAULT_CLUSTER_ID : first.clusters[0]?.id;
  const credential = emulator.credentials[0]!;
  process.stdout.write(
    `${JSON.stringify({
      url: emulator.url,
      authUrl: emulator.authUrl,
      projectId,
      clusterId,
      accessKey: credential.accessKey,
      secretKey: credential.secretKey,
      token: emulator.tokens[0],
    })}\n`,
  );
  process.stderr.write(
    `cce-emulator: listening on ${emulator.url}; point your program at it with ` +
      `HW_CCE_ENDPOINT=<url> HW_PROJECT_ID=<projectId> HW_ACCESS_KEY=<accessKey> HW_SECRET_KEY=<secretKey> ` +
      `(values from the JSON line above). Ctrl-C stops it.\n`,
  );
  const shutdown = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`cce-emulator: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
  process.exit(1);
});
