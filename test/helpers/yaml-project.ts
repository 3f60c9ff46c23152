/**
 * A `runtime: yaml` project folder driven by the plain CLI (helpers/plugin-install.ts runPulumi),
 * one step per command: each command's output goes to a numbered log file, a failure throws a
 * StepError naming the log, and output that holds secrets (`--show-secrets`) stays out of logs
 * and the suite-wide capture. Also reads what `pulumi up/destroy --json` reported.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { StepError, type Steps } from "./kubernetes-control-plane";
import { runPulumi, type PluginSetup, type PulumiResult } from "./plugin-install";

export interface PulumiOptions {
  /** @default the project folder */
  cwd?: string;
  expectFailure?: boolean;
  /** The output holds secrets: it is neither logged nor captured. */
  secretOutput?: boolean;
  extraEnv?: NodeJS.ProcessEnv;
}

export class YamlProject {
  private logCount = 0;

  constructor(
    private readonly setup: PluginSetup,
    private readonly steps: Steps,
    /** The project folder. */
    readonly dir: string,
    /** Where each command's log goes. */
    private readonly logs: string,
    /** Added to every command's environment (the emulator's endpoint, credentials), read at each run. */
    private readonly env: () => NodeJS.ProcessEnv,
  ) {}

  /** One `pulumi` command; fails, naming its log, unless it did what `expectFailure` says. */
  async pulumi(args: string[], options: PulumiOptions = {}): Promise<PulumiResult> {
    const what = `pulumi ${args.join(" ")}`;
    return this.steps.run(what, async () => {
      const result = await runPulumi(this.setup, [...args, "--color=never"], {
        cwd: options.cwd ?? this.dir,
        extraEnv: { ...this.env(), ...options.extraEnv },
        record: options.secretOutput !== true,
      });
      const log = join(this.logs, `${String(++this.logCount).padStart(2, "0")}-${args.slice(0, 2).join("-")}.log`);
      writeFileSync(log, options.secretOutput === true ? `(output holds secrets; exit ${result.code})\n${result.stderr}` : `${result.stdout}\n${result.stderr}`);
      if (!result.ok && !options.expectFailure) throw new StepError("engine", log, `${what} failed (exit ${result.code}, log: ${log}):\n${result.stderr.slice(-4000)}`);
      if (result.ok && options.expectFailure) throw new StepError("engine", log, `${what} succeeded; the test expected it to fail (log: ${log})`);
      return result;
    });
  }

  /** The stack's outputs, secrets in plaintext (the command's output is kept out of every log). */
  async outputs<T>(): Promise<T> {
    return JSON.parse((await this.pulumi(["stack", "output", "--json", "--show-secrets"], { secretOutput: true })).stdout) as T;
  }
}

/** What `pulumi up/destroy --json` reported: the change count per kind, and each resource's steps by name. */
export interface Update {
  changes: Record<string, number>;
  steps: Record<string, string[]>;
}

/** Reads the engine events (one JSON line each) that follow the preview's JSON document. */
export function updateOf(result: PulumiResult): Update {
  const update: Update = { changes: {}, steps: {} };
  for (const line of result.stdout.split("\n")) {
    if (!line.startsWith('{"sequence"')) continue;
    const event = JSON.parse(line) as { resourcePreEvent?: { metadata: { op: string; urn: string } }; summaryEvent?: { resourceChanges: Record<string, number> } };
    if (event.resourcePreEvent) (update.steps[event.resourcePreEvent.metadata.urn.split("::").at(-1)!] ??= []).push(event.resourcePreEvent.metadata.op);
    if (event.summaryEvent) update.changes = event.summaryEvent.resourceChanges;
  }
  return update;
}
