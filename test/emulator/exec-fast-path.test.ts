/**
 * The cached path of `cce-kubeconfig credential` (src/exec/fast-credential.ts, issue 21): the built
 * bin (dist/exec/main.js) against the emulator, as kubectl runs it. A call the full command has
 * recorded is answered from the cache without loading the settings resolver, zod, undici, YAML or
 * the provider; any change that could change the answer goes back to the full command.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Emulator } from "../../src/emulator";
import { cachedCredential } from "../../src/exec/fast-credential";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { findLeaks } from "../helpers/leak-scan";

const MAIN = resolve(__dirname, "../../dist/exec/main.js");
/** Preloaded into the command: at exit it writes every module file the process loaded to CCE_TEST_LOADED. */
const REPORT_LOADED = `process.on("exit", () => require("node:fs").writeFileSync(process.env.CCE_TEST_LOADED, Object.keys(require.cache).join("\\n")));`;

let emulator: Emulator;
let work: string;
let preload: string;
let runs = 0;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  /** Module files the process loaded. */
  loaded: string[];
}

function env(cacheDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  return {
    PATH: process.env["PATH"],
    HOME: join(work, "home"),
    HW_ACCESS_KEY: accessKey,
    HW_SECRET_KEY: secretKey,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_CCE_ENDPOINT: emulator.url,
    HW_ECS_METADATA_URL: "http://127.0.0.1:9",
    CCE_KUBECONFIG_CACHE_DIR: cacheDir,
    ...extra,
  };
}

function credential(environment: NodeJS.ProcessEnv, args: string[] = []): Promise<Run> {
  const loadedFile = join(work, `loaded-${(runs += 1)}.txt`);
  const argv = ["--require", preload, MAIN, "credential", "--cluster-id", DEFAULT_CLUSTER_ID, ...args];
  return new Promise((done) => {
    execFile(process.execPath, argv, { env: { ...environment, CCE_TEST_LOADED: loadedFile }, timeout: 60_000 }, (error: ExecFileException | null, stdout, stderr) => {
      let loaded: string[] = [];
      try {
        loaded = readFileSync(loadedFile, "utf8").split("\n");
      } catch {
        loaded = [];
      }
      done({ status: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr, loaded });
    });
  });
}

/** The heavy modules a cached call must not load, by the part of their path that names them. */
const HEAVY = ["/node_modules/zod/", "/node_modules/undici/", "/node_modules/yaml/", "/node_modules/@peculiar/", "/config/settings.js", "/provider/", "/exec/certificates.js"];
const heavyLoaded = (run: Run) => HEAVY.filter((part) => run.loaded.some((file) => file.includes(part)));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cce-exec-fast-"));
  mkdirSync(join(work, "home"));
  preload = join(work, "report-loaded.js");
  writeFileSync(preload, REPORT_LOADED);
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a call the full command recorded is answered from the cache", () => {
  let cache: string;
  let first: Run;
  let mintsBefore: number;

  beforeAll(async () => {
    cache = join(work, "cache");
    mintsBefore = emulator.mintCount();
    first = await credential(env(cache));
    expect(first.status).toBe(0);
  });

  test("the first call mints through the full command (it loads the settings and the HTTP client) and records the call", () => {
    expect(emulator.mintCount() - mintsBefore).toBe(1);
    // The control of the next test: the full command's modules are seen by the same report.
    expect(heavyLoaded(first)).toEqual(expect.arrayContaining(["/node_modules/zod/", "/node_modules/undici/", "/config/settings.js", "/exec/certificates.js"]));
    // It mints through the mint core, never the dynamic provider (issue 19 item 3).
    expect(first.loaded.filter((file) => file.includes("/dist/certificates/")).length).toBeGreaterThan(0);
    expect(first.loaded.filter((file) => file.includes("/dist/provider/"))).toEqual([]);
    // It reads CCE's answer as data: no YAML is rendered and parsed back, so the parser is never loaded.
    expect(first.loaded.filter((file) => file.includes("/node_modules/yaml/"))).toEqual([]);
    expect(readdirSync(cache).filter((f) => f.endsWith(".ref"))).toHaveLength(1);
  });

  test("the second call prints the same certificate, mints nothing and loads none of the heavy modules", async () => {
    const second = await credential(env(cache));
    expect(second.status).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
    expect(emulator.mintCount() - mintsBefore).toBe(1);
    expect(heavyLoaded(second)).toEqual([]);
    // One file of the package: the bundled bin (scripts/bundle-exec.js); the full command loads cli.js and the rest.
    const ours = (run: Run) => run.loaded.filter((file) => file.startsWith(resolve(__dirname, "../../dist")));
    expect(ours(second)).toEqual([MAIN]);
    expect(ours(first)).toEqual(expect.arrayContaining([MAIN, resolve(__dirname, "../../dist/exec/cli.js")]));
  });

  test("the record's name and contents hold no setting: not the secret or access key, not the cluster's settings", () => {
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const records = readdirSync(cache).filter((f) => f.endsWith(".ref"));
    const texts = [...readdirSync(cache), ...records.map((r) => readFileSync(join(cache, r), "utf8"))];
    expect(findLeaks(texts, [secretKey, accessKey], ["cache folder"])).toEqual([]);
    expect(records.map((r) => readFileSync(join(cache, r), "utf8"))).toEqual([readdirSync(cache).find((f) => f.endsWith(".json"))]);
  });

  test.each<[string, (cacheDir: string) => NodeJS.ProcessEnv, string[]]>([
    ["another access key", (dir) => env(dir, { HW_ACCESS_KEY: `${emulator.credentials[0]!.accessKey}X` }), []],
    ["a new setting (HW_REGION_NAME)", (dir) => env(dir, { HW_REGION_NAME: "ap-southeast-1" }), []],
    ["another flag (--context)", (dir) => env(dir), ["--context", "internal"]],
    ["CCE_KUBECONFIG_DEBUG=1", (dir) => env(dir, { CCE_KUBECONFIG_DEBUG: "1" }), []],
  ])("%s goes to the full command (it loads the settings)", async (_name, environment, args) => {
    const run = await credential(environment(cache), args);
    expect(heavyLoaded(run)).toContain("/config/settings.js");
  });

  test("a KooCLI profile file that appears goes to the full command: it can change who signs in", async () => {
    const warm = await credential(env(cache));
    expect(heavyLoaded(warm)).toEqual([]);
    const profileDir = join(work, "home", ".hcloud");
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, "config.json"), JSON.stringify({ current: "none", profiles: [] }));
    try {
      expect(cachedCredential(["credential", "--cluster-id", DEFAULT_CLUSTER_ID], env(cache))).toBeUndefined();
    } finally {
      rmSync(profileDir, { recursive: true, force: true });
    }
    // Control: with the file gone again, the record matches again.
    expect(cachedCredential(["credential", "--cluster-id", DEFAULT_CLUSTER_ID], env(cache))).toBeDefined();
  });

  test("a certificate verified more than a minute ago, or about to expire, goes to the full command", async () => {
    await credential(env(cache));
    const argv = ["credential", "--cluster-id", DEFAULT_CLUSTER_ID];
    expect(cachedCredential(argv, env(cache), () => Date.now())).toBeDefined();
    expect(cachedCredential(argv, env(cache), () => Date.now() + 61_000)).toBeUndefined();
    const entry = JSON.parse(readFileSync(join(cache, readdirSync(cache).find((f) => f.endsWith(".json"))!), "utf8")) as { verifiedAt: string };
    // Near expiry: the clock moved past the hand-out time (a day's certificate; verifiedAt moved along).
    writeFileSync(join(cache, readdirSync(cache).find((f) => f.endsWith(".json"))!), JSON.stringify({ ...entry, verifiedAt: new Date(Date.now() + 400 * 86_400_000).toISOString() }));
    expect(cachedCredential(argv, env(cache), () => Date.now() + 400 * 86_400_000 + 1000)).toBeUndefined();
  });

  test("a cache folder that became a link, or that others can write, is not served from (the full command's folder checks)", async () => {
    const dir = join(work, "swapped");
    expect((await credential(env(dir))).status).toBe(0);
    const argv = ["credential", "--cluster-id", DEFAULT_CLUSTER_ID];
    // Control: the record serves the call.
    expect(cachedCredential(argv, env(dir))).toBeDefined();
    chmodSync(dir, 0o770);
    expect(cachedCredential(argv, env(dir))).toBeUndefined();
    chmodSync(dir, 0o700);
    expect(cachedCredential(argv, env(dir))).toBeDefined();
    // The same path, now a link to the folder: the records and key are still reachable through it.
    renameSync(dir, `${dir}-real`);
    symlinkSync(`${dir}-real`, dir);
    expect(cachedCredential(argv, env(dir))).toBeUndefined();
  });
});

test("with no record (a new cache folder) the cached path answers nothing, and the call mints", async () => {
  const dir = join(work, "empty");
  expect(cachedCredential(["credential", "--cluster-id", DEFAULT_CLUSTER_ID], env(dir))).toBeUndefined();
  const before = emulator.mintCount();
  const run = await credential(env(dir));
  expect(run.status).toBe(0);
  expect(emulator.mintCount() - before).toBe(1);
});
