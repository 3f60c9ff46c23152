/**
 * Merging an exec entry into a user's kubeconfig file, as `aws eks update-kubeconfig` does: a
 * cluster, a user whose `exec` runs `cce-kubeconfig credential`, and a context joining them, each
 * replacing an entry of the same name or appended; everything else in the file (other entries, its
 * comments, `preferences`, fields this package does not know) is kept. The document is edited as a
 * YAML tree, not re-serialized from plain values, so what is kept is kept as written.
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, realpathSync, statSync, unlinkSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { isMap, isSeq, parseDocument, stringify, type Document } from "yaml";
import type { Environment } from "../config/settings";
import { KubeconfigError } from "../errors";
import { writeFileAtomically } from "./atomic-file";
import { DEFAULT_EXEC_API_VERSION } from "./exec-credential";

/** What the `kubeconfig` subcommand writes for one cluster. */
export interface ExecKubeconfigEntry {
  /** The name of the context, and of the cluster and user entries it joins. */
  name: string;
  server: string;
  /** Base64 of the cluster CA's PEM; absent with insecureSkipTlsVerify (kubectl refuses both). */
  certificateAuthorityData?: string;
  insecureSkipTlsVerify: boolean;
  /** The plugin command, and its arguments (`credential --cluster-id …`). */
  command: string;
  args: string[];
}

/** The first path of $KUBECONFIG, else ~/.kube/config: where kubectl itself writes. */
export function defaultKubeconfigPath(env: Environment, home: () => string = homedir): string {
  const first = (env["KUBECONFIG"] ?? "").split(delimiter).find((p) => p.trim() !== "");
  return first ?? join(home(), ".kube", "config");
}

/** The kubeconfig entries of `entry`, as typed values. */
export function execEntries(entry: ExecKubeconfigEntry) {
  const cluster: Record<string, unknown> = { server: entry.server };
  if (entry.insecureSkipTlsVerify) cluster["insecure-skip-tls-verify"] = true;
  else if (entry.certificateAuthorityData !== undefined) cluster["certificate-authority-data"] = entry.certificateAuthorityData;
  return {
    cluster: { name: entry.name, cluster },
    user: {
      name: entry.name,
      user: {
        exec: {
          apiVersion: DEFAULT_EXEC_API_VERSION,
          command: entry.command,
          args: entry.args,
          // The plugin never prompts; Never also stops kubectl from handing it a terminal.
          interactiveMode: "Never",
          provideClusterInfo: false,
        },
      },
    },
    context: { name: entry.name, context: { cluster: entry.name, user: entry.name } },
  };
}

/**
 * A kubeconfig of `entry` alone, its context current: what the ExecKubeconfig resource outputs.
 * Typed values serialized once, here, in kubectl's layout.
 */
export function execKubeconfigYaml(entry: ExecKubeconfigEntry): string {
  const { cluster, user, context } = execEntries(entry);
  const doc = { apiVersion: "v1", kind: "Config", clusters: [cluster], users: [user], contexts: [context], "current-context": entry.name, preferences: {} };
  return stringify(doc, { lineWidth: 0, indentSeq: false });
}

/** Replaces the item named `name` in the sequence at `key`, or appends it (creating the sequence). */
function upsertNamed(doc: Document, key: string, value: { name: string }): void {
  const seq = doc.get(key);
  if (seq === undefined || seq === null) {
    doc.set(key, doc.createNode([value]));
    return;
  }
  if (!isSeq(seq)) throw new KubeconfigError(`the kubeconfig's ${key} is not a list`);
  const index = seq.items.findIndex((item) => isMap(item) && item.get("name") === value.name);
  const node = doc.createNode(value);
  if (index >= 0) seq.items[index] = node;
  else seq.items.push(node);
}

export interface MergeResult {
  text: string;
  /** Whether current-context now names the entry. */
  madeCurrent: boolean;
}

/**
 * `existing` (a kubeconfig's text, or undefined for a new file) with `entry` merged in.
 * current-context is set when the file had none, or with `setCurrent`: a merge does not switch a
 * user's shell to another cluster behind their back (`kubectl config use-context` does that).
 */
export function mergeKubeconfig(existing: string | undefined, entry: ExecKubeconfigEntry, setCurrent: boolean, file = "the kubeconfig"): MergeResult {
  const doc = parseDocument(existing !== undefined && existing.trim() !== "" ? existing : "apiVersion: v1\nkind: Config\n");
  // The parser's messages quote the text, which may hold other users' keys: name only the file.
  if (doc.errors.length > 0) throw new KubeconfigError(`${file} is not valid YAML (line ${doc.errors[0]!.linePos?.[0]?.line ?? "?"}); fix or move it`);
  if (!isMap(doc.contents)) throw new KubeconfigError(`${file} is not a kubeconfig (its top level is not a mapping)`);
  const entries = execEntries(entry);
  upsertNamed(doc, "clusters", entries.cluster);
  upsertNamed(doc, "users", entries.user);
  upsertNamed(doc, "contexts", entries.context);
  if (!doc.has("apiVersion")) doc.set("apiVersion", "v1");
  if (!doc.has("kind")) doc.set("kind", "Config");
  const current = doc.get("current-context");
  const madeCurrent = setCurrent || typeof current !== "string" || current === "";
  if (madeCurrent) doc.set("current-context", entry.name);
  // kubectl's own layout: list items not indented under their key; never fold long base64 values.
  return { text: doc.toString({ lineWidth: 0, indentSeq: false }), madeCurrent };
}

/** How long to wait for another writer's `<file>.lock`, and how often to look. */
export interface KubeconfigLockOptions {
  /** kubectl holds the lock for one read-modify-write, milliseconds. @default 10_000 (ms) */
  maxWaitMs?: number;
  /** @default 50 (ms) */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates `lock` as client-go does (O_CREAT | O_EXCL); false when another writer holds it. */
function tryLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new KubeconfigError(`cannot create the lock file ${lock} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/**
 * Runs `work` holding `<given>.lock`, the lock kubectl takes (client-go `clientcmd.lockFile`: the
 * path as named, not where a link leads, created with O_EXCL, removed after), so this merge and a
 * `kubectl config set-*` never drop each other's entries. kubectl fails at once on a held lock;
 * this waits up to maxWaitMs, then names the lock. A lock nobody removes (a killed kubectl) is
 * never taken over, since only the user can tell it is not in use.
 */
async function withKubeconfigLock<T>(given: string, work: () => T, options: KubeconfigLockOptions): Promise<T> {
  const lock = `${given}.lock`;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const started = Date.now();
  mkdirSync(dirname(given), { recursive: true, mode: 0o700 });
  while (!tryLock(lock)) {
    if (Date.now() - started >= maxWaitMs) {
      throw new KubeconfigError(`${given} is locked by ${lock} (kubectl or another cce-kubeconfig is writing it); waited ${Math.round(maxWaitMs / 1000)} s: remove ${lock} if no such process runs`);
    }
    await sleep(options.pollMs ?? 50);
  }
  try {
    return work();
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // Removed by hand meanwhile: nothing to release.
    }
  }
}

/** The owner of an existing file, when a new file written by this process would not have it (root editing a user's kubeconfig). */
function ownerToKeep(stat: Stats): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== "function" || typeof process.getgid !== "function") return undefined;
  return stat.uid === process.getuid() && stat.gid === process.getgid() ? undefined : { uid: stat.uid, gid: stat.gid };
}

/** The merge under the lock: read, merge, write atomically and durably, with the existing file's owner and mode. */
function mergeIntoFile(given: string, entry: ExecKubeconfigEntry, setCurrent: boolean): MergeResult {
  const exists = existsSync(given);
  // A kubeconfig that is a link (to a dotfiles repository, say) is written where it points, as kubectl does.
  const path = exists ? realpathSync(given) : given;
  const existing = exists ? readFileSync(path, "utf8") : undefined;
  const result = mergeKubeconfig(existing, entry, setCurrent, path);
  const stat = exists ? statSync(path) : undefined;
  const owner = stat === undefined ? undefined : ownerToKeep(stat);
  writeFileAtomically(path, result.text, stat === undefined ? 0o600 : stat.mode & 0o777, (message) => new KubeconfigError(message), owner === undefined ? {} : { owner });
  return result;
}

/**
 * Merges `entry` into the file at `given` under kubectl's lock (created 0600, its folder 0700, when
 * absent; an existing file keeps its owner and mode).
 */
export function writeExecKubeconfig(given: string, entry: ExecKubeconfigEntry, setCurrent: boolean, options: KubeconfigLockOptions = {}): Promise<MergeResult> {
  return withKubeconfigLock(given, () => mergeIntoFile(given, entry, setCurrent), options);
}
