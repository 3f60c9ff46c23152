/**
 * Where the package's `cce-kubeconfig` command is installed, for programs that point an
 * ExecKubeconfig's `command` at it instead of relying on PATH.
 */
import { resolve } from "node:path";

/**
 * The absolute path of this package's `cce-kubeconfig` (its `dist/exec/main.js`, which npm makes
 * executable as a bin target when it installs the package). It is a path on the machine that runs
 * `pulumi up`: a kubeconfig holding it works there (the Kubernetes provider, kubectl on that
 * machine), not on another machine unless the package is installed at the same path.
 */
export function execCommandPath(): string {
  // This file is dist/provider/exec-command.js once built; the command is dist/exec/main.js.
  return resolve(__dirname, "..", "exec", "main.js");
}
