#!/usr/bin/env node
/**
 * `cce-kubeconfig`: a Kubernetes exec credential plugin for CCE client certificates, and the
 * command that writes a kubeconfig using it (docs/exec-kubeconfig.md).
 *
 *   cce-kubeconfig credential --cluster-id ID [...]   an ExecCredential on stdout
 *   cce-kubeconfig kubeconfig --cluster-id ID [...]   merges an exec entry into a kubeconfig
 *   cce-kubeconfig revoke --cluster-id ID (--user-id ID | --agency-id ID | --mine)
 *
 * Credentials, project and endpoint come from the same settings as the ClusterCertificate resource,
 * read from the environment only (there is no stack here). A failure is one line on stderr naming
 * its cause, never a secret; exit status 2 for a wrong command line, 1 for anything else.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import type { Environment } from "../config/settings";
import { UsageError } from "../errors";
import { credentialArguments, parseCommandLine, USAGE, type CredentialCommand, type KubeconfigCommand, type RevokeCommand } from "./arguments";
import { obtainCertificate, type CertificateOptions } from "./certificates";
import { execApiVersion, execCredential, handOutUntil } from "./exec-credential";
import { rememberCall } from "./fast-credential";

/** The command's name, as the kubeconfig's exec entry runs it by default (found on PATH). */
export const COMMAND_NAME = "cce-kubeconfig";
/** `1` adds the stack of a failure (which never holds a secret either) and what the cache did. */
export const DEBUG_ENV = "CCE_KUBECONFIG_DEBUG";

export interface CliContext {
  env: Environment;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  clock?: () => Date;
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name: string, env: Environment): boolean => (env["PATH"] ?? "").split(delimiter).some((dir) => dir !== "" && isExecutable(join(dir, name)));

function certificateOptions(context: CliContext): CertificateOptions {
  const options: CertificateOptions = { env: context.env, warn: (message) => context.stderr(`${COMMAND_NAME}: warning: ${oneLine(message)}\n`) };
  if (context.clock !== undefined) options.clock = context.clock;
  if (context.env[DEBUG_ENV] === "1") options.debug = (message) => context.stderr(`${COMMAND_NAME}: debug: ${message}\n`);
  return options;
}

async function printCredential(command: CredentialCommand, argv: readonly string[], context: CliContext): Promise<void> {
  // Read before anything is minted: an answer in a version the client refuses would waste one.
  const apiVersion = execApiVersion(context.env["KUBERNETES_EXEC_INFO"]);
  const options = certificateOptions(context);
  const certificate = await obtainCertificate(command.cluster, options);
  const credential = execCredential(apiVersion, certificate.certificatePem, certificate.keyPem, handOutUntil(certificate.notBefore, certificate.notAfter));
  context.stdout(`${JSON.stringify(credential)}\n`);
  // The next call with the same command line and settings finds this entry without the settings resolver.
  const problem = rememberCall(argv, context.env, certificate.cacheFile);
  if (problem !== undefined) options.debug?.(`the call was not recorded for the cached path: ${problem}`);
}

/** `--exec-command`, as an absolute path to an executable file. */
function execCommandPath(given: string): string {
  const path = resolve(given);
  if (!isExecutable(path)) throw new UsageError("--exec-command", `${path} is not an executable file`);
  return path;
}

async function writeKubeconfig(command: KubeconfigCommand, context: CliContext): Promise<void> {
  const execCommand = command.execCommand === undefined ? COMMAND_NAME : execCommandPath(command.execCommand);
  // CCE answers the server and CA only with a certificate: the one minted here goes into the cache,
  // and the first kubectl call is served from it.
  const certificate = await obtainCertificate(command.cluster, certificateOptions(context));
  // Loaded here only: the credential path, which kubectl runs at every call, needs no YAML parser.
  const { defaultKubeconfigPath, writeExecKubeconfig } = await import("./kubeconfig-file");
  const file = command.kubeconfig ?? defaultKubeconfigPath(context.env);
  const name = command.contextName ?? `cce-${command.cluster.clusterId}`;
  const entry = {
    name,
    server: certificate.server,
    insecureSkipTlsVerify: certificate.insecureSkipTlsVerify,
    command: execCommand,
    args: credentialArguments(command.cluster),
    ...(certificate.certificateAuthorityData !== undefined ? { certificateAuthorityData: certificate.certificateAuthorityData } : {}),
  };
  const { madeCurrent } = await writeExecKubeconfig(file, entry, command.setCurrent);
  const current = madeCurrent ? `current-context is now ${name}` : `current-context unchanged (kubectl config use-context ${name} switches)`;
  context.stdout(`${COMMAND_NAME}: wrote context ${name} (cluster ${command.cluster.clusterId} at ${certificate.server}) to ${file}; ${current}\n`);
  if (command.execCommand === undefined && !onPath(COMMAND_NAME, context.env)) {
    context.stderr(`${COMMAND_NAME}: note: ${COMMAND_NAME} is not on PATH here, and kubectl runs it by that name; install the package globally or pass --exec-command\n`);
  }
}

async function revoke(command: RevokeCommand, context: CliContext): Promise<void> {
  // Loaded here only, as the kubeconfig subcommand's modules: the credential path stays light.
  const { revokeCertificates } = await import("./revoke");
  const { target, requestId, removed } = await revokeCertificates(command.cluster, command.target, certificateOptions(context));
  const who = target.userId !== undefined ? `IAM user ${target.userId}` : `agency ${target.agencyId}`;
  const cluster = command.cluster.clusterId;
  context.stdout(
    `${COMMAND_NAME}: revoked every certificate of ${who} on cluster ${cluster} (request id ${requestId ?? "none"}). ` +
      `Every certificate of that identity on that cluster is now dead, including other stacks', other kubeconfigs' and other machines'; ` +
      `certificates minted from now on work. Removed ${removed.length} cached certificate(s) of it from this machine.
`,
  );
}

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, " ").trim();

/** Runs the command line `argv` (without node and the script); resolves to the exit status. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.command === "help") {
      context.stdout(`${USAGE}\n`);
      return 0;
    }
    if (command.command === "credential") await printCredential(command, argv, context);
    else if (command.command === "revoke") await revoke(command, context);
    else await writeKubeconfig(command, context);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const usage = error instanceof UsageError;
    context.stderr(`${COMMAND_NAME}: ${oneLine(message)}${usage ? ` (${COMMAND_NAME} --help shows the usage)` : ""}\n`);
    // Run bare, as a user trying it out would: the whole usage is the useful answer.
    if (usage && argv.length === 0) context.stderr(`${USAGE}\n`);
    if (context.env[DEBUG_ENV] === "1" && error instanceof Error && error.stack !== undefined) context.stderr(`${error.stack}\n`);
    return usage ? 2 : 1;
  }
}

/** Runs the process's command line and exits with its status. */
export function main(): void {
  void runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((status) => {
    // Exit now: the shared HTTP agent's idle connections would keep the process (and kubectl) waiting.
    process.stdout.write("", () => process.exit(status));
  });
}

if (require.main === module) main();
