/**
 * `cce-kubeconfig credential --ttl` and `cce-kubeconfig revoke` (issue 20), run in process through
 * runCli against the emulator over HTTP: real certificates, parsed; mints and revokes counted by the
 * emulator. The real kube-apiserver's refusal of revoked certificates is test/e2e/revocation.test.ts.
 */
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../src/constants";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { runCli } from "../../src/exec/cli";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { CLOSED_METADATA_URL } from "../helpers/cloud-free-env";

const ADMIN = { accessKey: "AKEXECREVOKE00000001", secretKey: "SKexec-revoke-secret-0000000000000000001" };
const OTHER = { accessKey: "AKEXECREVOKE00000002", secretKey: "SKexec-revoke-secret-0000000000000000002" };
const PLAIN = { accessKey: "AKEXECREVOKE00000003", secretKey: "SKexec-revoke-secret-0000000000000000003", admin: false };

let emulator: Emulator;
let work: string;
beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [ADMIN, OTHER, PLAIN] });
  work = mkdtempSync(join(tmpdir(), "cce-exec-revoke-"));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.clearRequests();
});

let dirs = 0;
function envFor(credential: EmulatorCredential = ADMIN, cacheDir = join(work, `cache-${++dirs}`)): NodeJS.ProcessEnv {
  return {
    HW_ACCESS_KEY: credential.accessKey,
    HW_SECRET_KEY: credential.secretKey,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_REGION_NAME: "cn-north-4",
    HW_CCE_ENDPOINT: emulator.url,
    HW_ECS_METADATA_URL: CLOSED_METADATA_URL,
    CCE_KUBECONFIG_CACHE_DIR: cacheDir,
  };
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

/** The certificate of the ExecCredential a `credential` call printed. */
async function credential(extra: string[], env: NodeJS.ProcessEnv): Promise<X509Certificate> {
  const result = await run(["credential", "--cluster-id", DEFAULT_CLUSTER_ID, ...extra], env);
  expect([result.status, result.stderr]).toEqual([0, ""]);
  return new X509Certificate((JSON.parse(result.stdout) as { status: { clientCertificateData: string } }).status.clientCertificateData);
}

const cnOf = (cert: X509Certificate) => cert.subject.split("CN=")[1]!;

describe("credential --ttl", () => {
  test.each([
    ["--ttl 15m", ["--ttl", "15m"], 15 * MINUTE_MS],
    ["--ttl 1h", ["--ttl", "1h"], HOUR_MS],
    ["the default (1 hour)", [], HOUR_MS],
    ["--ttl 2d", ["--ttl", "2d"], 2 * DAY_MS],
  ])("%s: notAfter is within a minute of the asked time, sent as expire_at", async (_name, flags, ttl) => {
    const asked = Date.now() + ttl;
    const cert = await credential(flags, envFor());
    expect(Math.abs(Date.parse(cert.validTo) - asked)).toBeLessThan(MINUTE_MS);
    // Control: a minute is tight enough to tell 15 minutes from an hour and an hour from a day.
    expect(Math.abs(Date.parse(cert.validTo) - (asked + 15 * MINUTE_MS))).toBeGreaterThan(MINUTE_MS);
    expect(emulator.requests.filter((r) => r.path.endsWith("/clustercert")).map((r) => r.status)).toEqual([200]);
  });

  test("--duration DAYS keeps working, as days", async () => {
    const cert = await credential(["--duration", "2"], envFor());
    expect(Math.abs(Date.parse(cert.validTo) - (Date.now() + 2 * DAY_MS))).toBeLessThan(MINUTE_MS);
  });

  test.each([
    [["--ttl", "10m"], /^cce-kubeconfig: --ttl: must be a whole number with a unit m, h, d or y, from 15m \(CCE's minimum for expire_at\) to 5y; got "10m"/],
    [["--ttl", "6y"], /--ttl: .*got "6y"/],
    [["--ttl", "1.5h"], /--ttl: .*got "1.5h"/],
    [["--ttl", "90"], /--ttl: .*got "90"/],
    [["--ttl", "1h", "--duration", "1"], /--ttl: give either --ttl or --duration, not both/],
  ])("%j is a usage error (exit 2) naming --ttl, and mints nothing", async (flags, message) => {
    const before = emulator.mintCount();
    const result = await run(["credential", "--cluster-id", DEFAULT_CLUSTER_ID, ...flags], envFor());
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(emulator.mintCount()).toBe(before);
  });

  test("a cloud that refuses expire_at (a 400 naming it): one warning line, one certificate of duration 1 day, no loop", async () => {
    emulator.injectFault({ path: "/clustercert", status: 400, body: { errorCode: "CCE.01400001", errorMessage: "Invalid request.", message: "unknown field expire_at" } });
    const before = emulator.mintCount();
    const result = await run(["credential", "--cluster-id", DEFAULT_CLUSTER_ID], envFor());
    expect(result.status).toBe(0);
    expect(result.stderr).toBe(`cce-kubeconfig: warning: CCE refused expire_at (--ttl) for cluster ${DEFAULT_CLUSTER_ID}; minted a certificate of duration 1 day instead\n`);
    const cert = new X509Certificate((JSON.parse(result.stdout) as { status: { clientCertificateData: string } }).status.clientCertificateData);
    expect(Math.abs(Date.parse(cert.validTo) - (Date.now() + DAY_MS))).toBeLessThan(MINUTE_MS);
    expect(emulator.mintCount()).toBe(before + 1);
    expect(emulator.requests.filter((r) => r.path.endsWith("/clustercert")).map((r) => r.status)).toEqual([400, 200]);
  });

  test("control: a refusal of expire_at twice fails after exactly two calls; a 400 that does not name it is not retried with duration", async () => {
    const refusal = { errorCode: "CCE.01400001", errorMessage: "Invalid request.", message: "expire_at is not supported here" };
    emulator.injectFault({ path: "/clustercert", status: 400, body: refusal, times: 2 });
    const twice = await run(["credential", "--cluster-id", DEFAULT_CLUSTER_ID], envFor());
    expect(twice.status).toBe(1);
    expect(emulator.requests.filter((r) => r.path.endsWith("/clustercert")).length).toBe(2);
    emulator.clearRequests();
    emulator.injectFault({ path: "/clustercert", status: 400, body: { ...refusal, message: "cluster is upgrading" } });
    const other = await run(["credential", "--cluster-id", DEFAULT_CLUSTER_ID], envFor());
    expect(other.status).toBe(1);
    expect(other.stderr).not.toContain("warning");
    expect(emulator.requests.filter((r) => r.path.endsWith("/clustercert")).length).toBe(1);
  });
});

describe("revoke", () => {
  test("--user-id ends every certificate of that user on the cluster, says so, and leaves another user's", async () => {
    const mine = await credential([], envFor(ADMIN));
    const theirs = await credential([], envFor(OTHER));
    const again = await credential([], envFor(OTHER));
    const target = cnOf(theirs);
    const result = await run(["revoke", "--cluster-id", DEFAULT_CLUSTER_ID, "--user-id", target], envFor(ADMIN));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^cce-kubeconfig: revoked every certificate of IAM user ${target} on cluster ${DEFAULT_CLUSTER_ID} \\(request id [0-9a-f]{32}\\)\\. ` +
          "Every certificate of that identity on that cluster is now dead, including other stacks', other kubeconfigs' and other machines'",
      ),
    );
    const revoked = (cert: X509Certificate) => emulator.certificates(DEFAULT_CLUSTER_ID).find((c) => c.serialNumber === cert.serialNumber)!.revoked;
    expect([revoked(theirs), revoked(again), revoked(mine)]).toEqual([true, true, false]);
    expect(emulator.requests.filter((r) => r.path.endsWith("/clustercertrevoke")).map((r) => r.status)).toEqual([200]);
  });

  test("--mine revokes the running identity (its cached certificate's CN) and removes its cache entries for the cluster", async () => {
    const cache = join(work, "mine-cache");
    const env = envFor(OTHER, cache);
    const cert = await credential([], env);
    expect(readdirSync(cache).filter((f) => f.endsWith(".json"))).toHaveLength(1);
    const mints = emulator.mintCount();
    const result = await run(["revoke", "--cluster-id", DEFAULT_CLUSTER_ID, "--mine"], env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`revoked every certificate of IAM user ${cnOf(cert)} on cluster ${DEFAULT_CLUSTER_ID}`);
    expect(result.stdout).toContain("Removed 1 cached certificate(s) of it from this machine.");
    expect(readdirSync(cache).filter((f) => f.endsWith(".json"))).toEqual([]);
    // Read from the cache: nothing minted to learn the id.
    expect(emulator.mintCount()).toBe(mints);
    // The next credential call mints one new certificate, which is not revoked.
    const next = await credential([], env);
    expect(next.serialNumber).not.toBe(cert.serialNumber);
    expect(emulator.mintCount()).toBe(mints + 1);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).find((c) => c.serialNumber === next.serialNumber)!.revoked).toBe(false);
  });

  test("--mine with nothing cached obtains one certificate to learn the id, then revokes it", async () => {
    const env = envFor(OTHER);
    const mints = emulator.mintCount();
    const result = await run(["revoke", "--cluster-id", DEFAULT_CLUSTER_ID, "--mine"], env);
    expect(result.status).toBe(0);
    expect(emulator.mintCount()).toBe(mints + 1);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!.revoked).toBe(true);
    expect(existsSync(env["CCE_KUBECONFIG_CACHE_DIR"]!) && readdirSync(env["CCE_KUBECONFIG_CACHE_DIR"]!).filter((f) => f.endsWith(".json"))).toEqual([]);
  });

  test.each([
    [[], "--user-id"],
    [["--user-id", "a", "--agency-id", "b"], "--user-id"],
    [["--agency-id", "b", "--mine"], "--agency-id"],
    [["--user-id", ""], "--user-id"],
  ])("%j is a usage error (exit 2) naming %s, and sends nothing", async (flags, flag) => {
    const result = await run(["revoke", "--cluster-id", DEFAULT_CLUSTER_ID, ...flags], envFor());
    expect(result.status).toBe(2);
    expect(result.stderr.startsWith(`cce-kubeconfig: ${flag}: `)).toBe(true);
    expect(emulator.requests).toEqual([]);
  });

  test("a plain IAM user revoking another's: exit 1, one line with CCE.01403001, nothing revoked", async () => {
    const theirs = await credential([], envFor(ADMIN));
    const result = await run(["revoke", "--cluster-id", DEFAULT_CLUSTER_ID, "--user-id", cnOf(theirs)], envFor(PLAIN));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^cce-kubeconfig: CCE POST \/api\/v3\/projects\/[0-9a-f]{32}\/clusters\/[0-9a-f-]{36}\/clustercertrevoke .*CCE\.01403001.*\n$/);
    expect(result.stderr.split("\n")).toHaveLength(2);
    expect(result.stderr).not.toContain(PLAIN.secretKey);
    expect(emulator.certificates(DEFAULT_CLUSTER_ID).find((c) => c.serialNumber === theirs.serialNumber)!.revoked).toBe(false);
  });
});
