/**
 * `cce-kubeconfig` (issue 15) end to end: the built command, the emulator over HTTP as CCE, a real
 * kube-apiserver that the emulator's cluster is handed over to, and the machine's kubectl running
 * the command as its exec credential plugin. Nothing is mocked: mints are counted by the emulator,
 * refusals come from the API server.
 */
import { execFile, type ExecFileException } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { DAY_MS, HOUR_MS } from "../../src/constants";
import type { Emulator } from "../../src/emulator";
import { createClusterAuthority, issueClientCertificate } from "../../src/emulator/ca";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { startClusterControlPlane, Steps, type ControlPlane } from "../helpers/kubernetes-control-plane";
import { findLeaks } from "../helpers/leak-scan";
import { requireTool } from "../helpers/tools";

// The package's bin (package.json): the cached path, handing over to dist/exec/cli.js when it must.
const CLI = resolve(__dirname, "../../dist/exec/main.js");
const CLUSTER_ID = DEFAULT_CLUSTER_ID;
const MISSING_CLUSTER_ID = "00000000-0000-4000-8000-000000000404";
/** A closed loopback port: the chain's last step (ECS metadata) must never reach 169.254.169.254. */
const NO_METADATA = "http://127.0.0.1:9";

let emulator: Emulator;
let plane: ControlPlane | undefined;
const steps = new Steps(() => plane);
let kubectlBin: string;
let work: string;
let wrapper: string;
/** Every stdout and stderr of the command and of kubectl, for the leak scan. */
const outputs: Array<{ label: string; text: string; pemAllowed: boolean }> = [];

interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

function runFile(file: string, args: string[], env: NodeJS.ProcessEnv, label: string, pemInStdout = false): Promise<Result> {
  return new Promise((resolveRun) => {
    execFile(file, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error: ExecFileException | null, stdout, stderr) => {
      outputs.push({ label: `${label} stdout`, text: stdout, pemAllowed: pemInStdout }, { label: `${label} stderr`, text: stderr, pemAllowed: false });
      resolveRun({ status: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr });
    });
  });
}

/** The environment of a machine whose only credentials are the emulator's key pair (or `extra`'s). */
function envFor(cacheDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { accessKey, secretKey } = emulator.credentials[0]!;
  return {
    PATH: process.env["PATH"],
    HOME: join(work, "home"),
    HW_ACCESS_KEY: accessKey,
    HW_SECRET_KEY: secretKey,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_REGION_NAME: "cn-north-4",
    HW_CCE_ENDPOINT: emulator.url,
    HW_ECS_METADATA_URL: NO_METADATA,
    CCE_KUBECONFIG_CACHE_DIR: cacheDir,
    ...extra,
  };
}

const command = (args: string[], env: NodeJS.ProcessEnv, label = args[0] ?? "cce-kubeconfig") => runFile(process.execPath, [CLI, ...args], env, `cce-kubeconfig ${label}`, args[0] === "credential");

async function kubectl(kubeconfig: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return runFile(kubectlBin, ["--kubeconfig", kubeconfig, "--cache-dir", join(work, "kubectl-cache"), "--request-timeout", "20s", ...args], env, `kubectl ${args[0]}`);
}

async function kubectlOk(kubeconfig: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await kubectl(kubeconfig, args, env);
  if (result.status !== 0) throw new Error(`kubectl ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

let dirs = 0;
const freshDir = (name: string) => {
  const dir = join(work, `${name}-${(dirs += 1)}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** Writes a kubeconfig with the `kubeconfig` subcommand into a new folder, with its own cache. */
async function execKubeconfig(name: string, extraArgs: string[] = []): Promise<{ file: string; cache: string; env: NodeJS.ProcessEnv; result: Result }> {
  const folder = freshDir(name);
  const cache = join(folder, "cache");
  const file = join(folder, "kubeconfig");
  const env = envFor(cache);
  const result = await command(["kubeconfig", "--cluster-id", CLUSTER_ID, "--kubeconfig", file, "--exec-command", wrapper, ...extraArgs], env);
  if (result.status !== 0) throw new Error(`cce-kubeconfig kubeconfig exited ${result.status}: ${result.stderr}`);
  return { file, cache, env, result };
}

const cacheFiles = (cache: string) => readdirSync(cache).filter((f) => f.endsWith(".json"));
const onlyEntry = (cache: string) => {
  const files = cacheFiles(cache);
  expect(files).toHaveLength(1);
  return join(cache, files[0]!);
};

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.build.json)`);
  kubectlBin = await steps.run("finding kubectl", () => requireTool("kubectl"), "build (kubectl is the machine's)");
  work = mkdtempSync(join(tmpdir(), "cce-exec-e2e-"));
  mkdirSync(join(work, "home"));
  // What a user's PATH would hold after installing the package: a command that runs the built entry.
  wrapper = join(work, "cce-kubeconfig");
  writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`);
  chmodSync(wrapper, 0o755);
  emulator = await startTestEmulator();
  plane = await steps.run("starting etcd, kube-apiserver and kube-controller-manager", () => startClusterControlPlane(emulator, CLUSTER_ID));
}, 180_000);

afterAll(async () => {
  await steps.stop();
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test("kubeconfig writes an exec entry with the API server's address and CA, minting one certificate into the cache; kubectl then creates and reads a ConfigMap with no further mint", () =>
  steps.run("test kubeconfig + kubectl", async () => {
    const before = emulator.mintCount();
    const { file, cache, env, result } = await execKubeconfig("basic");
    expect(emulator.mintCount()).toBe(before + 1);
    expect(result.stdout).toBe(`cce-kubeconfig: wrote context cce-${CLUSTER_ID} (cluster ${CLUSTER_ID} at ${plane!.url}) to ${file}; current-context is now cce-${CLUSTER_ID}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const doc = parse(readFileSync(file, "utf8"));
    const name = `cce-${CLUSTER_ID}`;
    expect(doc["current-context"]).toBe(name);
    expect(doc.clusters).toEqual([{ name, cluster: { server: plane!.url, "certificate-authority-data": Buffer.from(emulator.clusterCaPem(CLUSTER_ID)).toString("base64") } }]);
    expect(doc.users).toEqual([
      {
        name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1",
            command: wrapper,
            args: ["credential", "--cluster-id", CLUSTER_ID],
            interactiveMode: "Never",
            provideClusterInfo: false,
          },
        },
      },
    ]);

    await kubectlOk(file, ["-n", "default", "create", "configmap", "exec-plugin", "--from-literal=by=cce-kubeconfig"], env);
    const read = JSON.parse(await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin", "-o", "json"], env));
    expect(read.data).toEqual({ by: "cce-kubeconfig" });
    expect(emulator.mintCount()).toBe(before + 1);

    // Owner-only: the folder 0700, the entry 0600.
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(statSync(onlyEntry(cache)).mode & 0o777).toBe(0o600);
  }));

test("credential prints a v1 ExecCredential: PEM of a certificate CCE minted for this cluster for an hour (the default --ttl), expiring a tenth of its life before its notAfter", () =>
  steps.run("test credential", async () => {
    const cache = join(freshDir("credential"), "cache");
    const result = await command(["credential", "--cluster-id", CLUSTER_ID], envFor(cache));
    expect(result).toMatchObject({ status: 0, stderr: "" });
    const credential = JSON.parse(result.stdout);
    expect(Object.keys(credential)).toEqual(["apiVersion", "kind", "status"]);
    expect(credential).toMatchObject({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential" });
    expect(credential.status.clientCertificateData).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    // The label is built, so that no private key header stands in the repository's sources.
    expect(credential.status.clientKeyData.startsWith(`-----BEGIN ${["PRIVATE", "KEY"].join(" ")}-----\n`)).toBe(true);
    const issued = emulator.certificates(CLUSTER_ID).at(-1)!;
    // An hour, plus the minute the emulator backdates notBefore and the 30 s added to expire_at.
    const life = issued.notAfter.getTime() - issued.notBefore.getTime();
    expect(Math.abs(life - HOUR_MS - 90_000)).toBeLessThanOrEqual(2_000);
    expect(credential.status.expirationTimestamp).toBe(new Date(issued.notAfter.getTime() - life / 10).toISOString().replace(/\.\d{3}Z$/, "Z"));

    const v1beta1 = await command(["credential", "--cluster-id", CLUSTER_ID], envFor(cache, { KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1beta1", kind: "ExecCredential", spec: { interactive: false } }) }));
    expect(JSON.parse(v1beta1.stdout).apiVersion).toBe("client.authentication.k8s.io/v1beta1");
  }));

test("twenty concurrent kubectl calls with an empty cache mint exactly one certificate", () =>
  steps.run("test 20 concurrent", async () => {
    const { file, cache, env } = await execKubeconfig("concurrent");
    rmSync(cache, { recursive: true, force: true });
    const before = emulator.mintCount();
    const results = await Promise.all(Array.from({ length: 20 }, () => kubectl(file, ["-n", "default", "get", "configmap", "exec-plugin", "-o", "name"], env)));
    expect(results.map((r) => [r.status, r.stdout.trim()])).toEqual(Array.from({ length: 20 }, () => [0, "configmap/exec-plugin"]));
    expect(emulator.mintCount()).toBe(before + 1);
    expect(cacheFiles(cache)).toHaveLength(1);
    // No lock or temporary file is left: besides the entry, only the cached path's records and their key.
    expect(readdirSync(cache).filter((f) => !f.endsWith(".json") && !/^call-[0-9a-f]+\.ref$/.test(f) && f !== "calls.key")).toEqual([]);
  }));

test.each<[string, number]>([
  ["expired", 2],
  ["within the last hour of its life", 1 - 0.5 / 24],
])("a cached certificate that is %s is replaced by exactly one mint on the next kubectl call", (_name, backdateDays) =>
  steps.run(`test expiry (${backdateDays})`, async () => {
    const { file, cache, env } = await execKubeconfig("expiry");
    const entry = onlyEntry(cache);
    emulator.backdateCertificates(backdateDays);
    try {
      // A day's certificate, as before --ttl: backdating it by 23.5 hours leaves it in its last hour.
      expect((await command(["credential", "--cluster-id", CLUSTER_ID, "--duration", "1"], envFor(join(work, "scratch-cache")))).status).toBe(0);
    } finally {
      emulator.backdateCertificates(0);
    }
    // The backdated certificate, planted as this kubeconfig's cached one.
    writeFileSync(entry, readFileSync(onlyEntry(join(work, "scratch-cache")), "utf8"));
    rmSync(join(work, "scratch-cache"), { recursive: true });
    const before = emulator.mintCount();
    await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(emulator.mintCount()).toBe(before + 1);
    await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(emulator.mintCount()).toBe(before + 1);
  }));

test("a foreign certificate in the cache is refused by the API server (401) and replaced once, not in a loop; one verified within the minute is handed out again without a mint", () =>
  steps.run("test foreign", async () => {
    const { file, cache, env } = await execKubeconfig("foreign");
    const entryFile = onlyEntry(cache);
    const now = new Date();
    const other = await createClusterAuthority("another-cluster", now);
    const foreign = await issueClientCertificate(other, "0123456789abcdef0123456789abcdef", now, new Date(now.getTime() + DAY_MS));
    const stored = JSON.parse(readFileSync(entryFile, "utf8")) as Record<string, unknown>;
    const plant = (verifiedAt?: Date) =>
      writeFileSync(entryFile, JSON.stringify({ ...stored, certificatePem: foreign.certificatePem, keyPem: foreign.privateKeyPem, verifiedAt: verifiedAt?.toISOString() }), { mode: 0o600 });

    // Marked as verified a moment ago: served as is; kubectl's retry after the 401 gets it again and fails. No mint, no loop.
    plant(new Date());
    const before = emulator.mintCount();
    const refused = await kubectl(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Unauthorized|must be logged in/);
    expect(emulator.mintCount()).toBe(before);

    // Not verified lately: probed, refused, replaced by one mint; the next call mints nothing.
    plant(undefined);
    await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(emulator.mintCount()).toBe(before + 1);
    await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(emulator.mintCount()).toBe(before + 1);
    expect(JSON.parse(readFileSync(entryFile, "utf8")).certificatePem).not.toBe(foreign.certificatePem);
  }));

test("a cached certificate not verified lately that the API server accepts is served after one probe, minting nothing", () =>
  steps.run("test probe accepted", async () => {
    const { file, cache, env } = await execKubeconfig("probe");
    const entryFile = onlyEntry(cache);
    const stored = JSON.parse(readFileSync(entryFile, "utf8")) as Record<string, unknown>;
    writeFileSync(entryFile, JSON.stringify({ ...stored, verifiedAt: new Date(Date.now() - 10 * 60_000).toISOString() }), { mode: 0o600 });
    const before = emulator.mintCount();
    await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(emulator.mintCount()).toBe(before);
    expect(Date.now() - Date.parse(JSON.parse(readFileSync(entryFile, "utf8")).verifiedAt)).toBeLessThan(60_000);
  }));

test("a missing cluster fails with one line on stderr naming CCE.01404001, exit status 1, nothing on stdout", () =>
  steps.run("test missing cluster", async () => {
    const result = await command(["credential", "--cluster-id", MISSING_CLUSTER_ID], envFor(join(freshDir("missing"), "cache")));
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([expect.stringMatching(new RegExp(`^cce-kubeconfig: CCE POST /api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${MISSING_CLUSTER_ID}/clustercert failed: HTTP 404 CCE\\.01404001: `)), ""]);
  }));

test("no credentials at all fails with the chain's message, naming where it looked, and exit status 1", () =>
  steps.run("test no credentials", async () => {
    const env = envFor(join(freshDir("none"), "cache"));
    delete env["HW_ACCESS_KEY"];
    delete env["HW_SECRET_KEY"];
    const result = await command(["credential", "--cluster-id", CLUSTER_ID], env);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^cce-kubeconfig: no CCE credentials found: set an IAM token, an access key pair, or a user name and password\. Looked at .*HW_PROFILE.*HW_AUTH_TOKEN.*HW_ACCESS_KEY.*HW_SECRET_KEY.*HUAWEICLOUD_SDK_AK.*: the metadata service at http:\/\/127\.0\.0\.1:9 /);
  }));

test("a bad flag fails with exit status 2 and one line naming it", () =>
  steps.run("test usage", async () => {
    const result = await command(["credential", "--cluster-id", CLUSTER_ID, "--cluster-kind", "turbo"], envFor(join(freshDir("usage"), "cache")));
    expect(result).toEqual({
      status: 2,
      stdout: "",
      stderr: 'cce-kubeconfig: --cluster-kind: must be one of cce, autopilot; got "turbo" (cce-kubeconfig --help shows the usage)\n',
    });
    const bad = await command(["credential", "--cluster-id", "not/an id"], envFor(join(freshDir("usage"), "cache")));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^cce-kubeconfig: --cluster-id: must be a CCE id such as a UUID/);
  }));

test("with an IAM token as the credential, kubectl works through the exec entry too, in its own cache entry", () =>
  steps.run("test token", async () => {
    const { file, cache } = await execKubeconfig("token");
    const env = envFor(cache, { HW_AUTH_TOKEN: emulator.tokens[0] });
    delete env["HW_ACCESS_KEY"];
    delete env["HW_SECRET_KEY"];
    const before = emulator.mintCount();
    await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin"], env);
    expect(emulator.mintCount()).toBe(before + 1);
    expect(cacheFiles(cache)).toHaveLength(2);
  }));

// Issue 22: the release's single executable, for a kubectl user who is not a Node user.
test("the linux-amd64 single executable, with no node on PATH, writes the kubeconfig and serves kubectl: one mint, then the cache", () =>
  steps.run("test single executable", async () => {
    const out = freshDir("release");
    await steps.run(
      "building the cce-kubeconfig linux-amd64 archive (scripts/package-plugin.js)",
      () => promisify(execFile)(process.execPath, [resolve(__dirname, "../../scripts/package-plugin.js"), "--out", out, "--product", "exec", "--target", "linux-amd64"], { maxBuffer: 16 << 20 }),
      "build (scripts/package-plugin.js)",
    );
    const archive = readdirSync(out).find((f) => /^cce-kubeconfig-v.+-linux-amd64\.tar\.gz$/.test(f));
    expect(archive).toBeDefined();
    const bin = freshDir("sea-bin");
    await promisify(execFile)("tar", ["-xzf", join(out, archive!), "-C", bin]);
    const sea = join(bin, "cce-kubeconfig");
    const folder = freshDir("sea");
    const file = join(folder, "kubeconfig");
    // PATH holds only the executable's folder: no node anywhere (kubectl is run by its full path).
    const env = { ...envFor(join(folder, "cache")), PATH: bin };
    const before = emulator.mintCount();
    const wrote = await runFile(sea, ["kubeconfig", "--cluster-id", CLUSTER_ID, "--kubeconfig", file, "--exec-command", sea], env, "cce-kubeconfig (single executable) kubeconfig");
    expect(wrote).toMatchObject({ status: 0 });
    expect(emulator.mintCount()).toBe(before + 1);
    const read = JSON.parse(await kubectlOk(file, ["-n", "default", "get", "configmap", "exec-plugin", "-o", "json"], env));
    expect(read.data).toEqual({ by: "cce-kubeconfig" });
    expect(emulator.mintCount()).toBe(before + 1);
    // Control: with the executable gone, kubectl cannot get a credential.
    rmSync(sea);
    expect((await kubectl(file, ["-n", "default", "get", "configmap", "exec-plugin"], env)).status).not.toBe(0);
  }));

test("no credential of the chain reaches an ExecCredential, a kubeconfig or stderr; the scan catches a planted one", () =>
  steps.run("test leaks", async () => {
    const { secretKey, accessKey } = emulator.credentials[0]!;
    const secrets = [secretKey, emulator.tokens[0]!];
    expect(outputs.length).toBeGreaterThan(40);
    const kubeconfigs = readdirSync(work, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith("kubeconfig") && !f.endsWith("cce-kubeconfig"))
      .map((f) => ({ label: f, text: readFileSync(join(work, f), "utf8"), pemAllowed: true }));
    expect(kubeconfigs.length).toBeGreaterThan(5);
    const texts = [...outputs, ...kubeconfigs];
    // The ExecCredential carries the client certificate and key as PEM by design, and a kubeconfig the CA (base64 PEM).
    const leaks = findLeaks(
      texts.map((t) => t.text),
      secrets,
      texts.map((t) => t.label),
    ).filter((leak) => leak.secret !== "PEM block" || !texts.some((t) => t.pemAllowed && leak.where.startsWith(`${t.label} at `)));
    expect(leaks).toEqual([]);
    // The file names of the cache hold no secret either, nor the access key.
    const names = readdirSync(work, { recursive: true, encoding: "utf8" }).join("\n");
    expect(findLeaks([names], [...secrets, accessKey])).toEqual([]);
    // Control: the same scan finds a secret planted in an ExecCredential.
    const planted = JSON.stringify({ status: { clientKeyData: `x${secretKey}y` } });
    expect(findLeaks([planted], secrets).map((l) => l.secret)).toEqual([secretKey]);
  }));
