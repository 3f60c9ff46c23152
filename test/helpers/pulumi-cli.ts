/**
 * The plain CLI as the plugin tests run it (helpers/plugin-install.ts runPulumi), one step per
 * command: each command's output goes to a numbered log file, a failure throws a StepError naming
 * the log, and output that holds secrets (`--show-secrets`) stays out of logs and the suite-wide
 * capture. Also reads what `pulumi up/refresh/destroy --json` reported, and the stack outputs of
 * an export.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { StepError, type Steps } from "./kubernetes-control-plane";
import { runPulumi, type PluginSetup, type PulumiResult } from "./plugin-install";

export interface PulumiOptions {
  /** The folder the command runs in (a project folder). */
  cwd: string;
  expectFailure?: boolean;
  /** The output holds secrets: it is neither logged nor captured. */
  secretOutput?: boolean;
  extraEnv?: NodeJS.ProcessEnv;
}

export class PulumiCli {
  private logCount = 0;

  constructor(
    private readonly setup: PluginSetup,
    private readonly steps: Steps,
    /** Where each command's log goes. */
    private readonly logs: string,
  ) {}

  /** One `pulumi` command; fails, naming its log, unless it did what `expectFailure` says. */
  async run(args: string[], options: PulumiOptions): Promise<PulumiResult> {
    const what = `pulumi ${args.join(" ")}`;
    return this.steps.run(what, async () => {
      const result = await runPulumi(this.setup, [...args, "--color=never"], {
        cwd: options.cwd,
        extraEnv: options.extraEnv,
        record: options.secretOutput !== true,
      });
      const log = this.log(args.slice(0, 2).join("-"), options.secretOutput === true ? `(output holds secrets; exit ${result.code})\n${result.stderr}` : `${result.stdout}\n${result.stderr}`);
      if (!result.ok && !options.expectFailure) throw new StepError("engine", log, `${what} failed (exit ${result.code}, log: ${log}):\n${result.stderr.slice(-4000)}`);
      if (result.ok && options.expectFailure) throw new StepError("engine", log, `${what} succeeded; the test expected it to fail (log: ${log})`);
      return result;
    });
  }

  /** Writes a numbered log file named after `what`; returns its path. */
  log(what: string, text: string): string {
    const file = join(this.logs, `${String(++this.logCount).padStart(2, "0")}-${what.replace(/[^\w.-]+/g, "-")}.log`);
    writeFileSync(file, text);
    return file;
  }
}

/** What `pulumi up/refresh/destroy --json` reported: the change count per kind, and each resource's steps by URN. */
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
    if (event.resourcePreEvent) (update.steps[event.resourcePreEvent.metadata.urn] ??= []).push(event.resourcePreEvent.metadata.op);
    if (event.summaryEvent) update.changes = event.summaryEvent.resourceChanges;
  }
  return update;
}

/** The signature key and value that mark a secret in a state export (Pulumi's `sig.Secret`). */
const SECRET_SIG = ["4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"] as const;

/**
 * The stack outputs in an export made with --show-secrets (the outputs of its pulumi:pulumi:Stack
 * resource), each with its secret flag, as the Automation API reports them.
 */
export function stackOutputsOf(state: string): Record<string, { value: unknown; secret: boolean }> {
  const resources = (JSON.parse(state) as { deployment: { resources?: Array<{ type: string; outputs?: Record<string, unknown> }> } }).deployment.resources ?? [];
  const outputs = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  return Object.fromEntries(
    Object.entries(outputs).map(([key, value]) => {
      const envelope = value as Record<string, unknown> | null;
      if (typeof envelope === "object" && envelope !== null && envelope[SECRET_SIG[0]] === SECRET_SIG[1]) {
        if (typeof envelope["plaintext"] !== "string") throw new Error(`stack output ${key} is still encrypted: export with --show-secrets`);
        return [key, { value: JSON.parse(envelope["plaintext"]) as unknown, secret: true }];
      }
      return [key, { value, secret: false }];
    }),
  );
}
