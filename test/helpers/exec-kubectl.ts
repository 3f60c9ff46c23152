/**
 * kubectl with an exec kubeconfig, as the plugin tests of ExecKubeconfig run it: the kubeconfig is
 * written 0600 into a folder of the test, and kubectl runs with the environment of pulumi, so it
 * runs the same command, with the same credentials, from the same cache.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import type { Steps } from "./kubernetes-control-plane";

const run = promisify(execFile);

export interface ExecKubectlOptions {
  /** The kubectl binary. */
  kubectl: string;
  /** Where the kubeconfig file and kubectl's cache go. */
  dir: string;
  steps: Steps;
  /** kubectl's whole environment, read at each call. */
  env: () => NodeJS.ProcessEnv;
}

/**
 * A kubectl runner: `kubectl(kubeconfig, args)` is a step whose failure is the API server's and
 * resolves with stdout; with `expectFailure` it resolves with stderr when kubectl fails, and with
 * "kubectl … succeeded" when it does not.
 */
export function execKubectl({ kubectl, dir, steps, env }: ExecKubectlOptions) {
  return async (kubeconfig: string, args: string[], expectFailure = false): Promise<string> => {
    const file = join(dir, "exec.kubeconfig");
    writeFileSync(file, kubeconfig, { mode: 0o600 });
    const argv = ["--kubeconfig", file, "--cache-dir", join(dir, "kcache"), "--request-timeout", "30s", ...args];
    if (expectFailure) {
      return run(kubectl, argv, { env: env() }).then(
        () => `kubectl ${args.join(" ")} succeeded`,
        (error: { stderr?: string }) => String(error.stderr),
      );
    }
    return steps.run(`kubectl ${args.join(" ")}`, async () => (await run(kubectl, argv, { env: env() })).stdout, "kube-apiserver");
  };
}

/** The exec entry of a kubeconfig's first user. */
export const execOf = (kubeconfig: string) => (parse(kubeconfig) as { users: Array<{ user: { exec: { command: string; args: string[] } } }> }).users[0]!.user.exec;
