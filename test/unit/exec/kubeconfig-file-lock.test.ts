/**
 * Issue 21, item 6: merging into ~/.kube/config loses nothing. Before, `cce-kubeconfig kubeconfig`
 * read, merged and renamed without a lock, so two runs (or one and `kubectl config set-*`) dropped
 * each other's entries; it did not fsync; and a file it rewrote as root became root's. Real
 * processes, real files, the lock file kubectl itself takes (`<file>.lock`, O_EXCL).
 */
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { writeExecKubeconfig, type ExecKubeconfigEntry } from "../../../src/exec/kubeconfig-file";

const run = promisify(execFile);
/** The fs module object itself (what the compiled sources call through), not an import namespace, so its functions can be spied on. */
const fs = require("node:fs") as typeof import("node:fs");
const CLUSTER = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";
/** `nobody`: an owner this test is not (it chowns, so it runs as root, as CI's container does). */
const OTHER_UID = 65534;
const entry = (name: string): ExecKubeconfigEntry => ({
  name,
  server: "https://192.168.0.10:5443",
  certificateAuthorityData: "Q0E=",
  insecureSkipTlsVerify: false,
  command: "cce-kubeconfig",
  args: ["credential", "--cluster-id", CLUSTER],
});
const contexts = (file: string): string[] => ((parse(readFileSync(file, "utf8")) as { contexts: Array<{ name: string }> }).contexts ?? []).map((c) => c.name).sort();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "kubeconfig-lock-"));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe("merging into a kubeconfig loses nothing (issue 21, item 6)", () => {
  test("8 processes merging 5 contexts each into one file at once lose none of the 40, and leave no lock", async () => {
    const moduleFile = resolve(__dirname, "../../../dist/exec/kubeconfig-file.js");
    if (!existsSync(moduleFile)) throw new Error(`${moduleFile} is missing: run npx tsc -p tsconfig.build.json first`);
    const file = join(dir, "config");
    // Each process waits for the same instant, so their read-merge-write cycles overlap.
    const startAt = Date.now() + 1_500;
    const script = (writer: number) => `
      const { writeExecKubeconfig } = require(${JSON.stringify(moduleFile)});
      while (Date.now() < ${startAt}) {}
      (async () => {
        for (let i = 0; i < 5; i += 1) {
          await writeExecKubeconfig(${JSON.stringify(file)}, { ...${JSON.stringify(entry("x"))}, name: "w${writer}-" + i }, false, { pollMs: 2 });
        }
      })().catch((error) => { console.error(error.message); process.exit(1); });`;
    await Promise.all(Array.from({ length: 8 }, (_, writer) => run(process.execPath, ["-e", script(writer)])));
    const expected = Array.from({ length: 8 }, (_, w) => Array.from({ length: 5 }, (_, i) => `w${w}-${i}`)).flat().sort();
    expect(contexts(file)).toEqual(expected);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  test("a lock kubectl holds is waited for: the merge happens after it is removed, and keeps kubectl's change", async () => {
    const file = join(dir, "config");
    await writeExecKubeconfig(file, entry("first"), false);
    writeFileSync(`${file}.lock`, "");
    const merging = writeExecKubeconfig(file, entry("second"), false, { maxWaitMs: 5_000, pollMs: 10 });
    await new Promise((r) => setTimeout(r, 300));
    // Still waiting: the file is as kubectl is leaving it.
    expect(contexts(file)).toEqual(["first"]);
    const kubectlEdit = readFileSync(file, "utf8").replace("kind: Config", "kind: Config\npreferences:\n  colors: true");
    writeFileSync(file, kubectlEdit);
    rmSync(`${file}.lock`);
    await merging;
    expect(contexts(file)).toEqual(["first", "second"]);
    expect(readFileSync(file, "utf8")).toContain("colors: true");
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  test("a lock that stays is reported, naming the lock file, and left in place with the kubeconfig unchanged", async () => {
    const file = join(dir, "config");
    await writeExecKubeconfig(file, entry("first"), false);
    writeFileSync(`${file}.lock`, "");
    const before = readFileSync(file, "utf8");
    await expect(writeExecKubeconfig(file, entry("second"), false, { maxWaitMs: 200, pollMs: 10 })).rejects.toMatchObject({
      code: "CCE_KUBECONFIG_INVALID",
      message: `${file} is locked by ${file}.lock (kubectl or another cce-kubeconfig is writing it); waited 0 s: remove ${file}.lock if no such process runs`,
    });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(existsSync(`${file}.lock`)).toBe(true);
  });

  test("the new file and its folder are fsynced, the file before the rename and the folder after", async () => {
    const file = join(dir, "config");
    const calls: string[] = [];
    const fsync = jest.spyOn(fs, "fsyncSync").mockImplementation((fd) => void calls.push(`fsync ${statSync(`/proc/self/fd/${fd}`).isDirectory() ? "folder" : "file"}`));
    const rename = jest.spyOn(fs, "renameSync");
    rename.mockImplementation((from, to) => {
      calls.push("rename");
      rename.mockRestore();
      fs.renameSync(from, to);
    });
    await writeExecKubeconfig(file, entry("first"), false);
    expect(fsync).toHaveBeenCalled();
    expect(calls).toEqual(["fsync file", "rename", "fsync folder"]);
  });

  test("an existing file keeps its owner and mode when another user (root) rewrites it (control: a new file is the writer's, 0600)", async () => {
    const file = join(dir, "config");
    await writeExecKubeconfig(file, entry("first"), false);
    expect([statSync(file).uid, statSync(file).mode & 0o777]).toEqual([process.getuid!(), 0o600]);
    chownSync(file, OTHER_UID, OTHER_UID);
    chmodSync(file, 0o640);
    await writeExecKubeconfig(file, entry("second"), false);
    expect([statSync(file).uid, statSync(file).gid, statSync(file).mode & 0o777]).toEqual([OTHER_UID, OTHER_UID, 0o640]);
    expect(contexts(file)).toEqual(["first", "second"]);
  });
});
