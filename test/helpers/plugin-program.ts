/**
 * One driver for the plugin tests of every language (issue 19, item 6): a program of this
 * repository, the plugins installed as a user installs them (helpers/plugin-install.ts: tarballs,
 * a fresh PULUMI_HOME, PULUMI_IGNORE_AMBIENT_PLUGINS=true), and the operations a user runs on its
 * stack. Each language runs the way it can here:
 * - yaml: the plain CLI in a project folder that holds a copy of the program's Pulumi.yaml;
 * - python, go: one Automation API operation per invocation of the language's driver
 *   (helpers/sdk-programs.ts), with the example's own program inline.
 * For all three, `pulumi stack export` is the CLI's. Every command is a step of the test's Steps
 * (a failure names the component and the command's log; the logs are kept when a step failed),
 * and its wall time goes into the report that dispose() prints.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../scripts/engine/program";
import { StepError, Steps } from "./kubernetes-control-plane";
import { installPlugins, packagePlugin, type PluginSetup, type PulumiResult } from "./plugin-install";
import { PulumiCli, stackOutputsOf, updateOf } from "./pulumi-cli";
import { buildGoDriver, goKubernetesSdkVersion, pythonWithSdk, runDriver, type DriverResult, type DriverSpec } from "./sdk-programs";

export type Language = "yaml" | "python" | "go";

export interface ConfigValue {
  value: string;
  secret?: boolean;
}

/** Stack config: a key without a namespace is the project's (`clusterId` is `<project>:clusterId`). */
export type ProgramConfig = Record<string, string | ConfigValue>;

export interface PluginProgramOptions {
  language: Language;
  /**
   * The program, as a path in this repository (or an absolute one); the project is the `name` of
   * the Pulumi.yaml beside it. yaml: a Pulumi.yaml, copied into the project folder; python: a
   * module of an example folder, whose `program` runs (examples/python/exec_kubeconfig.py); go: an
   * example folder, whose program test/e2e/go/main.go registers under that path (examples/go-exec).
   */
  program: string;
  /** @default "dev" */
  stack?: string;
  /** @default {} */
  config?: ProgramConfig;
  /** Added to the environment of every command, read at each one (a test may change it between steps). */
  env?: () => NodeJS.ProcessEnv;
  /** Install the Kubernetes plugin too. @default false */
  kubernetes?: boolean;
  /** The test's steps, with its control plane if it has one. @default steps without a control plane */
  steps?: Steps;
  /** Names the temporary folders and the timing report, such as "plugin-go-exec". */
  name: string;
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

/** What an operation did. */
export interface Outcome {
  ok: boolean;
  /** A failure's message: the CLI's stdout and stderr (yaml), the Automation API's error (python, go); "" on success. */
  message: string;
  /** The summary's changes per kind. A yaml preview has none: its diagnostics are read as the CLI prints them. */
  changes: Record<string, number>;
  /** The engine's steps for each resource, by the resource's name. */
  steps: Record<string, string[]>;
  /** The URNs of the resources the engine stepped through. */
  urns: string[];
  ms: number;
}

export interface UpOutcome extends Outcome {
  /** The stack outputs, in plaintext, each with its secret flag ({} when up failed). */
  outputs: Record<string, StackOutput>;
}

export interface OperationOptions {
  /** The operation must fail (it throws if it succeeds); without it, a failure throws. */
  expectFailure?: boolean;
  /** Fail if anything would change (--expect-no-changes); not for destroy. */
  expectNoChanges?: boolean;
}

/** What the programs of one test file share: one installation, one backend, one log folder. */
interface Installation {
  work: string;
  logs: string;
  setup: PluginSetup;
  cli: PulumiCli;
  /** python, go: the driver's command line (the venv's python and driver.py, or the built Go driver). */
  driver?: string[];
  steps: Steps;
  timings: Array<[string, number]>;
  started: number;
  /** The programs made so far, for their folders' names. */
  count: number;
}

/** A program of `options` (see PluginProgramOptions); call install() first. */
export function pluginProgram(options: PluginProgramOptions): PluginProgram {
  return new PluginProgram(options, { installation: undefined });
}

export class PluginProgram {
  /** The project: the `name` of the program's Pulumi.yaml. */
  readonly project: string;
  readonly stack: string;
  private readonly config = new Map<string, ConfigValue>();
  private dirPath: string | undefined;
  private initialized: Promise<void> | undefined;

  constructor(
    private readonly options: PluginProgramOptions,
    private readonly shared: { installation: Installation | undefined },
  ) {
    this.stack = options.stack ?? "dev";
    this.project = (parse(readFileSync(join(this.projectDir(), "Pulumi.yaml"), "utf8")) as { name: string }).name;
    for (const [key, value] of Object.entries(options.config ?? {})) this.config.set(key, typeof value === "string" ? { value } : value);
  }

  /**
   * Installs the plugins into a fresh PULUMI_HOME under a new work folder, and the language's
   * tooling beside them (python: a venv with sdk/python; go: the driver, built), then creates the
   * stack. The programs that sibling() makes share all of it.
   */
  async install(): Promise<PluginSetup> {
    if (this.shared.installation !== undefined) throw new Error(`${this.options.name}: install() runs once per test file`);
    const { language, name, kubernetes = false } = this.options;
    const steps = this.options.steps ?? new Steps(() => undefined);
    const work = mkdtempSync(join(tmpdir(), `cce-${name}-`));
    const logs = mkdtempSync(join(tmpdir(), `cce-${name}-logs-`));
    const timings: Array<[string, number]> = [];
    const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      const result = await fn();
      timings.push([what, Date.now() - started]);
      return result;
    };
    const started = Date.now();
    const plugins = async () => {
      const tarball = await timed("plugin tarball", () => steps.run("building the plugin tarball (node scripts/package-plugin.js)", packagePlugin, "build (scripts/package-plugin.js)"));
      return timed("plugin install", () =>
        steps.run(
          "installing the plugins into a fresh PULUMI_HOME",
          () => installPlugins(work, tarball, { yaml: language === "yaml", kubernetes, kubernetesVersion: language === "go" && kubernetes ? goKubernetesSdkVersion() : undefined }),
          "build (npm run install-tools: scripts/install-pulumi.sh, scripts/install-kubernetes-provider.sh)",
        ),
      );
    };
    const tooling = async (): Promise<string[] | undefined> => {
      if (language === "python") {
        const python = await timed("venv + pip install of sdk/python", () => steps.run("a venv with sdk/python", () => pythonWithSdk(work), "build (scripts/install-python.sh)"));
        return [python, join(REPO_ROOT, "test", "e2e", "python", "driver.py")];
      }
      if (language === "go") return [(await timed("go build of test/e2e/go", () => steps.run("go build of test/e2e/go", () => buildGoDriver(work), "build (go)"))).binary];
      return undefined;
    };
    // Both settle before a failure is thrown, so that no build outlives the test file.
    const [installed, built] = await Promise.allSettled([plugins(), tooling()]);
    if (installed.status === "rejected" || built.status === "rejected") {
      for (const dir of [work, logs]) rmSync(dir, { recursive: true, force: true });
      throw installed.status === "rejected" ? installed.reason : (built as PromiseRejectedResult).reason;
    }
    const [setup, driver] = [installed.value, built.value];
    this.shared.installation = { work, logs, setup, cli: new PulumiCli(setup, steps, logs), driver, steps, timings, started, count: 0 };
    await this.init();
    return setup;
  }

  /** The installation's setup: the plugins, PULUMI_HOME, backend and environment. */
  get setup(): PluginSetup {
    return this.installation().setup;
  }

  /** The installation's work folder, which dispose() removes: a test may keep its own files there. */
  get work(): string {
    return this.installation().work;
  }

  /** The project folder: yaml, where its Pulumi.yaml is copied; python, go, the Automation API's work dir. */
  get dir(): string {
    return (this.dirPath ??= join(this.installation().work, "projects", `${String(++this.installation().count).padStart(2, "0")}-${this.stack}`));
  }

  /**
   * Another program or stack on the same installation and backend: every option not given is this
   * one's (config is replaced, not merged). Its stack is created at its first operation.
   */
  sibling(options: Partial<Pick<PluginProgramOptions, "program" | "stack" | "config" | "env">>): PluginProgram {
    const config = options.config ?? Object.fromEntries(this.config);
    return new PluginProgram({ ...this.options, ...options, config }, this.shared);
  }

  /**
   * Creates the stack once (yaml: copies the program into the project folder, `pulumi stack init`
   * and `pulumi config set` of each key; python, go: the folder, and the driver creates the stack
   * and sets the config at each operation).
   */
  init(): Promise<void> {
    return (this.initialized ??= (async () => {
      mkdirSync(this.dir, { recursive: true });
      if (this.options.language !== "yaml") return;
      copyFileSync(this.programPath(), join(this.dir, "Pulumi.yaml"));
      await this.timed(`stack init + ${this.config.size} config set (${this.stack})`, async () => {
        await this.pulumi(["stack", "init", this.stack]);
        for (const [key, value] of this.config) await this.setYamlConfig(key, value);
      });
    })());
  }

  /** Sets one key of the stack's config (yaml: `pulumi config set` now; python, go: at the next operation). */
  async setConfig(key: string, value: string | ConfigValue): Promise<void> {
    const entry = typeof value === "string" ? { value } : value;
    this.config.set(key, entry);
    if (this.options.language === "yaml" && this.initialized !== undefined) {
      await this.init();
      await this.timed(`config set ${key}`, () => this.setYamlConfig(key, entry));
    }
  }

  preview(options: OperationOptions = {}): Promise<Outcome> {
    return this.operate("preview", options);
  }

  /** pulumi up; its outputs come from the Automation API (python, go) or from the stack's export (yaml). */
  async up(options: OperationOptions = {}): Promise<UpOutcome> {
    const outcome = await this.operate("up", options);
    if (this.options.language !== "yaml" || !outcome.ok) return { outputs: {}, ...outcome };
    return { ...outcome, outputs: stackOutputsOf(await this.exportState({ showSecrets: true })) };
  }

  refresh(options: OperationOptions = {}): Promise<Outcome> {
    return this.operate("refresh", options);
  }

  destroy(options: Pick<OperationOptions, "expectFailure"> = {}): Promise<Outcome> {
    return this.operate("destroy", options);
  }

  /** `pulumi stack export`, as anyone with the state file sees it, or with --show-secrets (kept out of logs and the capture). */
  async exportState(options: { showSecrets?: boolean } = {}): Promise<string> {
    await this.init();
    const showSecrets = options.showSecrets === true;
    const args = ["stack", "export", "--stack", this.stack, ...(showSecrets ? ["--show-secrets"] : [])];
    return (await this.timed(`export${showSecrets ? " --show-secrets" : ""} (${this.stack})`, () => this.pulumi(args, { secretOutput: showSecrets }))).stdout;
  }

  /** Any other `pulumi` command, in the project folder with the program's environment (name the stack in `args`). */
  async cli(args: string[], options: { expectFailure?: boolean } = {}): Promise<PulumiResult> {
    await this.init();
    return this.timed(`${args.slice(0, 2).join(" ")} (${this.stack})`, () => this.pulumi(args, options));
  }

  /** Prints the timing report and removes the work folder; the logs stay when a step failed. */
  async dispose(): Promise<void> {
    const installation = this.shared.installation;
    if (installation === undefined) return;
    const lines = installation.timings.map(([what, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${what}`);
    const elapsed = ((Date.now() - installation.started) / 1000).toFixed(1);
    console.log(`${this.options.name} (${this.options.language}): ${elapsed} s from install() to dispose(); each step's wall time (the install's run side by side):\n${lines.join("\n")}`);
    rmSync(installation.work, { recursive: true, force: true });
    if (installation.steps.failed()) console.log(`pulumi logs kept for the failed step(s): ${installation.logs}`);
    else rmSync(installation.logs, { recursive: true, force: true });
  }

  private async operate(op: DriverSpec["op"], options: OperationOptions): Promise<Outcome> {
    await this.init();
    const label = `${op}${options.expectNoChanges === true ? " --expect-no-changes" : ""} (${this.stack})`;
    return this.timed(label, () => (this.options.language === "yaml" ? this.operateCli(op, options) : this.operateDriver(op, options)));
  }

  /** yaml: the CLI with --json (not preview, whose diagnostics a test reads as printed). */
  private async operateCli(op: DriverSpec["op"], options: OperationOptions): Promise<Outcome> {
    const started = Date.now();
    const flags = [...(op === "preview" ? [] : ["--yes", "--json"]), ...(options.expectNoChanges === true ? ["--expect-no-changes"] : [])];
    const result = await this.pulumi([op, "--stack", this.stack, ...flags], { expectFailure: options.expectFailure });
    const update = op === "preview" ? { changes: {}, steps: {} } : updateOf(result);
    return { ok: result.ok, message: result.ok ? "" : `${result.stdout}\n${result.stderr}`, changes: update.changes, ...byName(update.steps), ms: Date.now() - started };
  }

  /** python, go: one invocation of the language's driver; its output goes to a log of its own. */
  private async operateDriver(op: DriverSpec["op"], options: OperationOptions): Promise<UpOutcome> {
    const { driver, setup, cli, steps } = this.installation();
    const [command, ...args] = driver!;
    const what = `${this.options.language} driver: ${op} (${this.stack})`;
    const result = await steps.run(what, async () => {
      const r: DriverResult = await runDriver(command!, args, this.driverSpec(op, options), { ...setup.env, ...this.options.env?.() });
      const log = cli.log(`${op}-${this.stack}`, `${r.output ?? ""}\n${r.message ?? ""}\n${r.stderr}`);
      if (!r.ok && options.expectFailure !== true) throw new StepError("engine", log, `${what} failed (log: ${log}): ${r.message}\n${r.stderr.slice(-4000)}`);
      if (r.ok && options.expectFailure === true) throw new StepError("engine", log, `${what} succeeded; the test expected it to fail (log: ${log})`);
      return r;
    });
    return { ok: result.ok, message: result.ok ? "" : result.message ?? "", changes: result.changes ?? {}, ...byName(result.steps ?? {}), outputs: result.outputs ?? {}, ms: result.ms };
  }

  private driverSpec(op: DriverSpec["op"], options: OperationOptions): DriverSpec {
    const program = this.programPath();
    const config = Object.fromEntries([...this.config].map(([key, value]) => [key.includes(":") ? key : `${this.project}:${key}`, value]));
    const spec: DriverSpec = { op, project: this.project, stack: this.stack, workDir: this.dir, backendUrl: this.setup.backendUrl, config, expectNoChanges: options.expectNoChanges };
    if (this.options.language === "python") return { ...spec, exampleDir: dirname(program), module: basename(program, extname(program)) };
    return { ...spec, program: relative(REPO_ROOT, program) };
  }

  private setYamlConfig(key: string, { value, secret }: ConfigValue): Promise<PulumiResult> {
    return this.pulumi(["config", "set", "--stack", this.stack, ...(secret === true ? ["--secret"] : []), key, value]);
  }

  private pulumi(args: string[], options: { expectFailure?: boolean; secretOutput?: boolean } = {}): Promise<PulumiResult> {
    return this.installation().cli.run(args, { cwd: this.dir, extraEnv: this.options.env?.(), ...options });
  }

  private async timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      this.installation().timings.push([what, Date.now() - started]);
    }
  }

  private programPath(): string {
    return resolve(REPO_ROOT, this.options.program);
  }

  /** The folder of the program's Pulumi.yaml: the program itself for go, its folder otherwise. */
  private projectDir(): string {
    return this.options.language === "go" ? this.programPath() : dirname(this.programPath());
  }

  private installation(): Installation {
    if (this.shared.installation === undefined) throw new Error(`${this.options.name}: call install() first`);
    return this.shared.installation;
  }
}

/** Steps by URN as steps by resource name, with the URNs. */
function byName(steps: Record<string, string[]>): Pick<Outcome, "steps" | "urns"> {
  return { steps: Object.fromEntries(Object.entries(steps).map(([urn, ops]) => [urn.split("::").at(-1)!, ops])), urns: Object.keys(steps) };
}

/** The plain values of an up's outputs (secrets in plaintext), typed by the test. */
export function outputValues<T>(up: UpOutcome): T {
  return Object.fromEntries(Object.entries(up.outputs).map(([key, { value }]) => [key, value])) as T;
}
