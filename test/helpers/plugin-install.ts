/**
 * Provider plugins installed the way a user installs them: `pulumi plugin install resource <name>
 * <version> --file <tarball>` into a fresh PULUMI_HOME (one per test file), then
 * PULUMI_IGNORE_AMBIENT_PLUGINS=true, so the engine takes installed plugins only and never one on
 * PATH: a run that works proves the install route. The cce-kubeconfig tarball is the one
 * `npm run package-plugin` ships; the Kubernetes plugin's is made here from the binary that
 * scripts/install-kubernetes-provider.sh builds. A missing tool fails loudly, never skips (CI=true
 * changes nothing).
 */
import { execFile } from "node:child_process";
import { accessSync, constants, mkdirSync, readFileSync, readdirSync } from "node:fs";
import { basename, delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../scripts/engine/program";
import { recordOutput } from "./capture";
import { requireTool } from "./tools";
import { cloudFreeEnv } from "./cloud-free-env";

const exec = promisify(execFile);

/** The language host `runtime: yaml` needs: scripts/install-pulumi.sh builds it next to the CLI. */
export const YAML_LANGUAGE_HOST = "pulumi-language-yaml";

export interface InstalledPlugin {
  name: string;
  kind: string;
  version: string;
}

export interface PluginSetup {
  /** The pulumi binary (scripts/install-pulumi.sh). */
  pulumi: string;
  /** The fresh PULUMI_HOME the plugins are installed in. */
  home: string;
  /** `file://...`: the local backend this setup is logged in to. */
  backendUrl: string;
  /** The environment of every `pulumi` run: see cleanEnvironment and installPlugins. */
  env: NodeJS.ProcessEnv;
  /** What `pulumi plugin ls` lists after the installs. */
  installed: InstalledPlugin[];
  /** Each `pulumi` run's arguments and wall time, for the file's timing report. */
  runs: Array<{ args: string; ms: number }>;
}

export interface PulumiResult {
  ok: boolean;
  /** The exit code (0 when ok). */
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The cce-kubeconfig plugin's version: the package's. */
export function cceKubeconfigVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
}

/** The Kubernetes plugin's version, as scripts/install-kubernetes-provider.sh pins and stamps it. */
export function kubernetesPluginVersion(): string {
  const script = readFileSync(join(REPO_ROOT, "scripts", "install-kubernetes-provider.sh"), "utf8");
  const version = /^PLUGIN_VERSION="([^"]+)"/m.exec(script)?.[1];
  if (version === undefined) throw new Error("scripts/install-kubernetes-provider.sh has no PLUGIN_VERSION=\"...\" line");
  return version;
}

/**
 * The environment `pulumi` runs with, before the setup adds its own: the caller's, without any
 * HW_* and HC_CONTAINER_* (a developer's cloud credentials must not reach a test; the ECS metadata
 * address is pinned to a closed loopback port: cloud-free-env.ts), PULUMI_* (their backend, token,
 * passphrase) or KUBECONFIG, and without PATH folders that hold a provider plugin (so even without
 * PULUMI_IGNORE_AMBIENT_PLUGINS none could be picked up from there); the CLI's folder comes first.
 */
export function cleanEnvironment(cliDir: string, source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(cloudFreeEnv(source))) {
    if (key.startsWith("PULUMI_") || key === "KUBECONFIG") continue;
    env[key] = value;
  }
  const path = (source["PATH"] ?? "").split(delimiter).filter((dir) => dir !== "" && dir !== cliDir && !holdsProviderPlugin(dir));
  env["PATH"] = [cliDir, ...path].join(delimiter);
  return env;
}

function holdsProviderPlugin(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => name.startsWith("pulumi-resource-"));
  } catch {
    return false;
  }
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs `pulumi args` with the setup's environment (plus `extraEnv`); never throws for a failing exit. */
export async function runPulumi(
  setup: PluginSetup,
  args: string[],
  options: { cwd?: string; extraEnv?: NodeJS.ProcessEnv; record?: boolean; timeoutMs?: number } = {},
): Promise<PulumiResult> {
  const started = Date.now();
  const result = await new Promise<PulumiResult>((resolve) => {
    execFile(
      setup.pulumi,
      args,
      {
        cwd: options.cwd ?? setup.home,
        env: { ...setup.env, ...options.extraEnv },
        maxBuffer: 64 << 20,
        timeout: options.timeoutMs ?? 540_000, // 9 min: under the file's 10-minute jest timeout
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        const killed = error?.killed === true ? `\n(killed after the timeout: ${error.message})` : "";
        resolve({ ok: error === null, code, stdout, stderr: `${stderr}${killed}`, ms: Date.now() - started });
      },
    );
  });
  setup.runs.push({ args: args.join(" "), ms: result.ms });
  // Output with --show-secrets holds plaintext credentials: it stays out of the suite-wide capture.
  if (options.record !== false) recordOutput(`pulumi ${args.join(" ")}`, `${result.stdout}\n${result.stderr}`);
  return result;
}

/** runPulumi that throws, with the command's output, unless it succeeded. */
export async function runPulumiOk(setup: PluginSetup, args: string[], options: Parameters<typeof runPulumi>[2] = {}): Promise<PulumiResult> {
  const result = await runPulumi(setup, args, options);
  if (!result.ok) {
    const shown = options.record === false ? "(output not shown: it may hold secrets)" : `${result.stdout}\n${result.stderr}`;
    throw new Error(`pulumi ${args.join(" ")} failed (exit ${result.code}):\n${shown}`);
  }
  return result;
}

/**
 * Builds the linux-amd64 plugin archive (a single executable) with scripts/package-plugin.js, only
 * that one: the other targets are not run here, and each takes most of a minute cold (the script
 * caches archives by content). Its absolute path is the script's last stdout line.
 */
export async function packagePlugin(): Promise<string> {
  let stdout: string;
  try {
    const args = [join(REPO_ROOT, "scripts", "package-plugin.js"), "--target", "linux-amd64"];
    ({ stdout } = await exec(process.execPath, args, { cwd: REPO_ROOT, maxBuffer: 16 << 20 }));
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`node scripts/package-plugin.js failed: ${message}\n${stderr ?? ""}`);
  }
  const tarball = stdout.trim().split("\n").at(-1) ?? "";
  if (!tarball.startsWith("/") || !tarball.endsWith(".tar.gz")) {
    throw new Error(`node scripts/package-plugin.js printed ${JSON.stringify(tarball)} as its last line, not a tarball's absolute path`);
  }
  return tarball;
}

/** A tarball of a plugin binary at its root, as `pulumi plugin install --file` wants it. */
async function tarballOf(binary: string, destination: string): Promise<string> {
  const tarball = join(destination, `${basename(binary)}.tar.gz`);
  // gzip -1: the Kubernetes plugin is large, and this tarball lives for one test file.
  await exec("tar", ["--create", "--use-compress-program=gzip -1", "--owner=0", "--group=0", "--numeric-owner", "-f", tarball, "-C", dirname(binary), basename(binary)]);
  return tarball;
}

export interface InstallOptions {
  /** Require the YAML language host next to the CLI. @default true */
  yaml?: boolean;
  /** Install the Kubernetes plugin too. @default true */
  kubernetes?: boolean;
  /**
   * The version the Kubernetes plugin is installed as: a program whose SDK asks for another version
   * than the binary's (the Go SDK pins its own) finds it only under that one.
   * @default kubernetesPluginVersion(), the binary's own
   */
  kubernetesVersion?: string;
}

/**
 * A fresh PULUMI_HOME under `work`, logged in to a local backend under `work`, with the
 * cce-kubeconfig plugin (from `cceTarball`, built by packagePlugin) and the Kubernetes plugin
 * installed from tarballs. Fails, naming the build to run, when the CLI, its YAML language host or
 * the Kubernetes plugin is missing.
 */
export async function installPlugins(work: string, cceTarball: string, options: InstallOptions = {}): Promise<PluginSetup> {
  const pulumi = requireTool("pulumi", [join(REPO_ROOT, ".tools", "bin")]);
  const cliDir = dirname(pulumi);
  if ((options.yaml ?? true) && !executable(join(cliDir, YAML_LANGUAGE_HOST))) {
    throw new Error(`${YAML_LANGUAGE_HOST} is required by this test and is not next to ${pulumi}: run scripts/install-pulumi.sh (it builds it there)`);
  }
  const kubernetes = (options.kubernetes ?? true) ? requireTool("pulumi-resource-kubernetes", [join(REPO_ROOT, ".tools", "kubernetes-bin")]) : undefined;

  const home = join(work, "pulumi-home");
  const state = join(work, "state");
  const tarballs = join(work, "tarballs");
  for (const dir of [home, state, tarballs]) mkdirSync(dir, { recursive: true });
  const setup: PluginSetup = {
    pulumi,
    home,
    backendUrl: `file://${state}`,
    env: {
      ...cleanEnvironment(cliDir),
      PULUMI_HOME: home,
      PULUMI_CONFIG_PASSPHRASE: "cce-kubeconfig-plugin-tests",
      PULUMI_SKIP_UPDATE_CHECK: "1",
      PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
    },
    installed: [],
    runs: [],
  };

  await runPulumiOk(setup, ["login", setup.backendUrl]);
  await runPulumiOk(setup, ["plugin", "install", "resource", "cce-kubeconfig", cceKubeconfigVersion(), "--file", cceTarball]);
  if (kubernetes !== undefined) {
    const version = options.kubernetesVersion ?? kubernetesPluginVersion();
    await runPulumiOk(setup, ["plugin", "install", "resource", "kubernetes", version, "--file", await tarballOf(kubernetes, tarballs)]);
  }
  const listed = JSON.parse((await runPulumiOk(setup, ["plugin", "ls", "--json"])).stdout) as InstalledPlugin[];
  setup.installed = listed.map(({ name, kind, version }) => ({ name, kind, version }));
  return setup;
}
