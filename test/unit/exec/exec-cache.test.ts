/**
 * The exec plugin's certificate cache, its lock and the kubeconfig merge, on a real file system
 * (a temporary folder per test); the lock also across real processes.
 */
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { DAY_MS } from "../../../src/constants";
import { createClusterAuthority, issueClientCertificate } from "../../../src/emulator/ca";
import { cacheDirectory, ensureCacheDirectory, pruneCacheEntries, readCacheEntry, writeCacheEntry, type CachedCertificate } from "../../../src/exec/cache";
import { cacheFileName, cacheSlotPrefix, credentialIdentity, credentialSlot, type CacheKey } from "../../../src/exec/cache-key";
import { withFileLock } from "../../../src/exec/lock";
import { defaultKubeconfigPath, mergeKubeconfig, writeExecKubeconfig, type ExecKubeconfigEntry } from "../../../src/exec/kubeconfig-file";
import { KubeconfigError } from "../../../src/errors";
import type { AuthSettings } from "../../../src/credentials";

const run = promisify(execFile);
const CLUSTER = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";
let dir: string;
let entry: CachedCertificate;

beforeAll(async () => {
  const now = new Date();
  const authority = await createClusterAuthority(CLUSTER, now);
  const issued = await issueClientCertificate(authority, "0123456789abcdef0123456789abcdef", now, new Date(now.getTime() + DAY_MS));
  entry = {
    clusterId: CLUSTER,
    server: "https://127.0.0.1:6443",
    certificateAuthorityData: Buffer.from(authority.ca.certificatePem).toString("base64"),
    insecureSkipTlsVerify: false,
    certificatePem: issued.certificatePem,
    keyPem: issued.privateKeyPem,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    verifiedAt: new Date("2030-01-01T00:00:00.000Z"),
  };
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cce-exec-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
/** `nobody`: a user this test is not (the tests that use it chown, so they run as root, as CI's container does). */
const OTHER_UID = 65534;

describe("cache folder", () => {
  test("is CCE_KUBECONFIG_CACHE_DIR, else $XDG_CACHE_HOME/cce-kubeconfig (absolute only), else ~/.cache/cce-kubeconfig", () => {
    const home = () => "/home/u";
    expect(cacheDirectory({ CCE_KUBECONFIG_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x" }, home)).toBe("/c");
    expect(cacheDirectory({ XDG_CACHE_HOME: "/x" }, home)).toBe("/x/cce-kubeconfig");
    expect(cacheDirectory({ XDG_CACHE_HOME: "relative" }, home)).toBe("/home/u/.cache/cce-kubeconfig");
    expect(cacheDirectory({}, home)).toBe("/home/u/.cache/cce-kubeconfig");
  });

  test("is created 0700, and an existing one of ours is narrowed to 0700", () => {
    const created = join(dir, "a", "b");
    ensureCacheDirectory(created);
    expect(mode(created)).toBe(0o700);
    const open = join(dir, "open");
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    ensureCacheDirectory(open);
    expect(mode(open)).toBe(0o700);
  });

  test("that is a file is refused by path", () => {
    const file = join(dir, "file");
    writeFileSync(file, "");
    expect(() => ensureCacheDirectory(file)).toThrow(expect.objectContaining({ code: "CCE_CACHE_UNUSABLE", path: file }));
  });
});

describe("cache entries", () => {
  test("are written 0600, atomically (no temporary file left), and read back with the dates of the certificate itself", () => {
    const file = join(dir, "entry.json");
    writeCacheEntry(file, entry);
    expect(mode(file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["entry.json"]);
    expect(readCacheEntry(file)).toEqual(entry);
    // A second write replaces the file by a rename: a reader holding the old one keeps reading it whole.
    const before = statSync(file).ino;
    writeCacheEntry(file, { ...entry, verifiedAt: new Date("2031-01-01T00:00:00Z") });
    expect(statSync(file).ino).not.toBe(before);
    expect(readCacheEntry(file)?.verifiedAt?.toISOString()).toBe("2031-01-01T00:00:00.000Z");
  });

  test("trust the certificate's dates, not the file's", () => {
    const file = join(dir, "entry.json");
    writeCacheEntry(file, entry);
    const stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...stored, notAfter: "2099-01-01T00:00:00Z" }));
    expect(readCacheEntry(file)?.notAfter).toEqual(entry.notAfter);
  });

  test.each<[string, (stored: Record<string, unknown>) => string]>([
    ["not JSON", () => "{\"version\": 1, \"cert"],
    ["empty", () => ""],
    ["JSON null", () => "null"],
    ["another version", (s) => JSON.stringify({ ...s, version: 2 })],
    ["no key", (s) => JSON.stringify({ ...s, keyPem: undefined })],
    ["a certificate that is not X.509", (s) => JSON.stringify({ ...s, certificatePem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" })],
  ])("that are corrupt (%s) read as absent, so the next call mints", (_name, corrupt) => {
    const file = join(dir, "entry.json");
    writeCacheEntry(file, entry);
    writeFileSync(file, corrupt(JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>));
    expect(readCacheEntry(file)).toBeUndefined();
  });

  test("that do not exist read as absent", () => {
    expect(readCacheEntry(join(dir, "none.json"))).toBeUndefined();
  });
});

describe("the cache folder is the user's own and nothing else (issue 21, item 4)", () => {
  const refusal = (path: string, why: string, source = "CCE_KUBECONFIG_CACHE_DIR") => ({
    name: "CredentialCacheError",
    code: "CCE_CACHE_UNUSABLE",
    path,
    message: `the certificate cache folder ${path} (${source}) ${why}; set CCE_KUBECONFIG_CACHE_DIR to a folder of yours`,
  });

  test("a CCE_KUBECONFIG_CACHE_DIR that is a link is refused, and the folder it leads to keeps its mode (control: the folder itself is taken)", () => {
    const target = join(dir, "target");
    mkdirSync(target);
    chmodSync(target, 0o755);
    symlinkSync(target, join(dir, "link"));
    expect(() => ensureCacheDirectory(join(dir, "link"))).toThrow(expect.objectContaining(refusal(join(dir, "link"), "is a link")));
    expect(mode(target)).toBe(0o755);
    ensureCacheDirectory(target);
    expect(mode(target)).toBe(0o700);
  });

  test("a relative folder is refused, naming the setting that chose it (control: an absolute one is taken)", () => {
    expect(() => cacheDirectory({ CCE_KUBECONFIG_CACHE_DIR: "cache" })).toThrow(
      expect.objectContaining({ code: "CCE_CACHE_UNUSABLE", path: "cache", message: "the certificate cache folder cache (CCE_KUBECONFIG_CACHE_DIR) is a relative path: set CCE_KUBECONFIG_CACHE_DIR to an absolute folder of yours" }),
    );
    expect(() => cacheDirectory({}, () => "home")).toThrow("(the default ~/.cache/cce-kubeconfig) is a relative path");
    expect(() => ensureCacheDirectory("cache")).toThrow(expect.objectContaining(refusal("cache", "is a relative path")));
    expect(cacheDirectory({ CCE_KUBECONFIG_CACHE_DIR: dir })).toBe(dir);
  });

  test.each([
    ["775", 0o775, "is writable by its group (mode 775)"],
    ["757", 0o757, "is writable by others (mode 757)"],
  ])("a folder of mode %s is refused and left as it is, not narrowed", (_name, folderMode, why) => {
    const open = join(dir, "open");
    mkdirSync(open);
    chmodSync(open, folderMode);
    expect(() => ensureCacheDirectory(open, "XDG_CACHE_HOME")).toThrow(expect.objectContaining(refusal(open, why, "XDG_CACHE_HOME")));
    expect(mode(open)).toBe(folderMode);
  });

  test("another user's folder is refused and left as it is", () => {
    const theirs = join(dir, "theirs");
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, OTHER_UID, OTHER_UID);
    expect(() => ensureCacheDirectory(theirs)).toThrow(expect.objectContaining(refusal(theirs, `belongs to another user (uid ${OTHER_UID})`)));
    expect(statSync(theirs).uid).toBe(OTHER_UID);
  });

  test("an entry that is a link is not read, even to a good entry (control: the entry it leads to is read)", () => {
    writeCacheEntry(join(dir, "other-identity.json"), entry);
    symlinkSync(join(dir, "other-identity.json"), join(dir, "entry.json"));
    expect(readCacheEntry(join(dir, "other-identity.json"))).toEqual(entry);
    expect(readCacheEntry(join(dir, "entry.json"))).toBeUndefined();
  });

  test("an entry of another user, or that others can write, is not read", () => {
    const file = join(dir, "entry.json");
    writeCacheEntry(file, entry);
    chmodSync(file, 0o622);
    expect(readCacheEntry(file)).toBeUndefined();
    chmodSync(file, 0o600);
    expect(readCacheEntry(file)).toEqual(entry);
    chownSync(file, OTHER_UID, OTHER_UID);
    expect(readCacheEntry(file)).toBeUndefined();
  });

  test("an entry that is a FIFO is not read and does not block", () => {
    const file = join(dir, "entry.json");
    expect(spawnSync("mkfifo", [file]).status).toBe(0);
    expect(readCacheEntry(file)).toBeUndefined();
  });
});

describe("cache file names", () => {
  const key: CacheKey = { endpoint: "https://cce.x", project: "p", clusterId: CLUSTER, clusterKind: "cce", context: "auto", identity: "i", slot: "i" };
  const aksk = (accessKey: string, secretKey: string): AuthSettings => ({ method: { kind: "aksk", accessKey, secretKey, from: "HW_ACCESS_KEY + HW_SECRET_KEY" }, ignored: [] });

  test("differ by every part of the key", () => {
    const names = new Set(
      [key, { ...key, endpoint: "https://cce.y" }, { ...key, project: "q" }, { ...key, clusterKind: "autopilot" }, { ...key, context: "internal" }, { ...key, identity: "j" }].map(cacheFileName),
    );
    expect(names.size).toBe(6);
    expect(cacheFileName(key)).toMatch(new RegExp(`^${CLUSTER}-[0-9a-f]{16}-[0-9a-f]{32}\\.json$`));
  });

  test("name the identity by access key, a token's hash, the agency; never by a secret", () => {
    const secret = "SECRETsecretSECRETsecretSECRETsecret0000";
    expect(credentialIdentity(aksk("AK1", secret))).toBe(credentialIdentity(aksk("AK1", "another secret of the same key")));
    expect(credentialIdentity(aksk("AK1", secret))).not.toBe(credentialIdentity(aksk("AK2", secret)));
    const agency = { ...aksk("AK1", secret), agency: { agencyName: "ops", domain: { name: "acme" } } };
    expect(credentialIdentity(agency)).not.toBe(credentialIdentity(aksk("AK1", secret)));
    const token = (t: string): AuthSettings => ({ method: { kind: "token", token: t, from: "HW_AUTH_TOKEN" }, ignored: [] });
    expect(credentialIdentity(token("tok-a"))).not.toBe(credentialIdentity(token("tok-b")));
    const name = cacheFileName({ ...key, identity: credentialIdentity(token(secret)) });
    expect(name).not.toContain(secret);
    expect(credentialIdentity(token(secret))).not.toContain(secret);
  });

  const jwt = (claims: Record<string, unknown>) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2ln`;
  const oidc = (token: string, idpId = "github"): AuthSettings => ({ method: { kind: "oidc", idpId, idToken: { value: token, from: "HW_ASSUME_ROLE_ID_TOKEN" }, from: "X" }, ignored: [] });

  test("an OIDC identity is the whole ID token, never its unverified sub: a forged token with another job's sub does not reach its entry (issue 21, item 5)", () => {
    const victim = jwt({ sub: "repo:acme/prod:ref:refs/heads/main", jti: "victim" });
    const forged = jwt({ sub: "repo:acme/prod:ref:refs/heads/main", jti: "forged" });
    expect(credentialIdentity(oidc(forged))).not.toBe(credentialIdentity(oidc(victim)));
    // Control: the same token is the same identity, with either provider id telling apart.
    expect(credentialIdentity(oidc(victim))).toBe(credentialIdentity(oidc(victim)));
    expect(credentialIdentity(oidc(victim))).not.toBe(credentialIdentity(oidc(victim, "gitlab")));
    expect(credentialIdentity(oidc(victim))).not.toContain("repo:acme");
  });

  test("an ID token past its own exp reaches no entry (a leaked, expired token unlocks nothing IAM would refuse it)", () => {
    const now = new Date("2031-01-01T00:00:00Z");
    const token = jwt({ sub: "s", exp: now.getTime() / 1000 + 60 });
    expect(credentialIdentity(oidc(token), now)).toBe(credentialIdentity(oidc(token), now));
    const later = new Date(now.getTime() + 61_000);
    expect(credentialIdentity(oidc(token), later)).not.toBe(credentialIdentity(oidc(token), later));
  });

  test("rotating credentials share a slot, so a new rotation supersedes the last; fixed keys keep one slot per identity", () => {
    const temporary = (accessKey: string): AuthSettings => ({ method: { kind: "aksk", accessKey, secretKey: "s", securityToken: "t", from: 'profile "sso" in /h/config.json' }, ignored: [] });
    const [a, b] = [temporary("TMPA"), temporary("TMPB")];
    expect(credentialSlot(a, credentialIdentity(a))).toBe(credentialSlot(b, credentialIdentity(b)));
    const fixed = (accessKey: string) => aksk(accessKey, "s");
    expect(credentialSlot(fixed("AK1"), credentialIdentity(fixed("AK1")))).not.toBe(credentialSlot(fixed("AK2"), credentialIdentity(fixed("AK2"))));
    expect(cacheSlotPrefix({ ...key, slot: "x" })).toBe(cacheFileName({ ...key, slot: "x" }).slice(0, cacheSlotPrefix(key).length));
  });
});

describe("the cache forgets what it no longer needs (issue 21, item 5)", () => {
  test("pruning deletes superseded entries of the slot and expired entries of any cluster, and keeps the rest (control: a valid entry of another slot, another user's, other files)", async () => {
    const now = new Date();
    const authority = await createClusterAuthority(CLUSTER, new Date(now.getTime() - 3 * DAY_MS));
    const old = await issueClientCertificate(authority, "0123456789abcdef0123456789abcdef", new Date(now.getTime() - 3 * DAY_MS), new Date(now.getTime() - DAY_MS));
    const expired: CachedCertificate = { ...entry, certificatePem: old.certificatePem, keyPem: old.privateKeyPem, notBefore: old.notBefore, notAfter: old.notAfter };
    const files = { kept: "c-slotA-new.json", superseded: "c-slotA-old.json", otherSlot: "c-slotB-x.json", expired: "d-slotC-y.json", theirs: "d-slotD-z.json" };
    for (const name of [files.kept, files.superseded, files.otherSlot]) writeCacheEntry(join(dir, name), entry);
    writeCacheEntry(join(dir, files.expired), expired);
    writeCacheEntry(join(dir, files.theirs), expired);
    chownSync(join(dir, files.theirs), OTHER_UID, OTHER_UID);
    writeFileSync(join(dir, "c-slotA-new.json.lock"), "");
    expect(pruneCacheEntries(dir, files.kept, "c-slotA-", now).sort()).toEqual([files.expired, files.superseded].sort());
    expect(readdirSync(dir).sort()).toEqual([files.kept, "c-slotA-new.json.lock", files.otherSlot, files.theirs].sort());
  });
});

describe("lock", () => {
  test("runs one holder at a time and removes the lock afterwards, also when the work fails", async () => {
    const lock = join(dir, "x.lock");
    let inside = 0;
    let most = 0;
    const work = async () => {
      inside += 1;
      most = Math.max(most, inside);
      await new Promise((r) => setTimeout(r, 20));
      inside -= 1;
    };
    await Promise.all(Array.from({ length: 5 }, () => withFileLock(lock, work, { pollMs: 5 })));
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);
    await expect(withFileLock(lock, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(existsSync(lock)).toBe(false);
  });

  test("is created 0600 and names its holder", async () => {
    const lock = join(dir, "x.lock");
    const seen = await withFileLock(lock, async () => ({ mode: mode(lock), owner: JSON.parse(readFileSync(lock, "utf8")) as Record<string, unknown> }));
    expect(seen.mode).toBe(0o600);
    expect(seen.owner).toMatchObject({ pid: process.pid, host: hostname() });
  });

  test("of a process that is gone is taken over at once", async () => {
    const lock = join(dir, "x.lock");
    const { stdout } = await run(process.execPath, ["-e", "console.log(process.pid)"]);
    writeFileSync(lock, JSON.stringify({ pid: Number(stdout.trim()), host: hostname(), token: "dead" }));
    const started = Date.now();
    await withFileLock(lock, async () => undefined, { maxWaitMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(500);
  });

  test("that nobody touched for staleAfterMs is taken over (a holder on another host, or an unreadable lock)", async () => {
    const lock = join(dir, "x.lock");
    writeFileSync(lock, JSON.stringify({ pid: 1, host: "another-host", token: "t" }));
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await withFileLock(lock, async () => undefined, { maxWaitMs: 1_000 });
    writeFileSync(lock, "");
    utimesSync(lock, old, old);
    await withFileLock(lock, async () => undefined, { maxWaitMs: 1_000 });
  });

  test("of a live holder is waited for, up to maxWaitMs, then the error names the holder and the file", async () => {
    const lock = join(dir, "x.lock");
    writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: hostname(), token: "alive" }));
    await expect(withFileLock(lock, async () => undefined, { maxWaitMs: 200, pollMs: 10 })).rejects.toMatchObject({
      code: "CCE_CACHE_UNUSABLE",
      message: expect.stringMatching(new RegExp(`^waited 0 s for the lock ${lock}, held by process ${process.ppid} on ${hostname()}; remove the file if that process is gone$`)),
    });
    expect(existsSync(lock)).toBe(true);
  });

  test("a holder that was taken over leaves the new holder's lock in place", async () => {
    const lock = join(dir, "x.lock");
    await withFileLock(lock, async () => {
      writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), token: "someone else" }));
    });
    expect(JSON.parse(readFileSync(lock, "utf8"))).toMatchObject({ token: "someone else" });
  });

  test("serializes separate processes: 12 read-modify-write a counter under it and none is lost", async () => {
    const lockModule = resolve(__dirname, "../../../dist/exec/lock.js");
    if (!existsSync(lockModule)) throw new Error(`${lockModule} is missing: run npx tsc -p tsconfig.build.json first`);
    const counter = join(dir, "counter");
    writeFileSync(counter, "0");
    const script = `
      const { readFileSync, writeFileSync } = require("node:fs");
      const { withFileLock } = require(${JSON.stringify(lockModule)});
      withFileLock(${JSON.stringify(join(dir, "counter.lock"))}, async () => {
        const n = Number(readFileSync(${JSON.stringify(counter)}, "utf8"));
        await new Promise((r) => setTimeout(r, 10));
        writeFileSync(${JSON.stringify(counter)}, String(n + 1));
      }, { pollMs: 5 });`;
    await Promise.all(Array.from({ length: 12 }, () => run(process.execPath, ["-e", script])));
    expect(readFileSync(counter, "utf8")).toBe("12");
  });
});

describe("kubeconfig merge", () => {
  const exec: ExecKubeconfigEntry = {
    name: "cce-prod",
    server: "https://192.168.0.10:5443",
    certificateAuthorityData: "Q0E=",
    insecureSkipTlsVerify: false,
    command: "cce-kubeconfig",
    args: ["credential", "--cluster-id", CLUSTER],
  };
  const EXISTING = [
    "# my clusters",
    "apiVersion: v1",
    "kind: Config",
    "preferences: {}",
    "clusters:",
    "- name: kind-dev # local",
    "  cluster:",
    "    server: https://127.0.0.1:40000",
    "    certificate-authority-data: RGV2",
    "users:",
    "- name: kind-dev",
    "  user:",
    "    client-certificate-data: Q0VSVA==",
    "    client-key-data: S0VZ",
    "contexts:",
    "- name: kind-dev",
    "  context:",
    "    cluster: kind-dev",
    "    user: kind-dev",
    "current-context: kind-dev",
    "",
  ].join("\n");

  test("adds a cluster, an exec user and a context, keeps every other entry and comment, and leaves current-context", () => {
    const { text, madeCurrent } = mergeKubeconfig(EXISTING, exec, false);
    expect(madeCurrent).toBe(false);
    expect(text).toContain("# my clusters");
    expect(text).toContain("- name: kind-dev # local");
    const doc = parse(text);
    const before = parse(EXISTING);
    expect(doc.clusters[0]).toEqual(before.clusters[0]);
    expect(doc.users[0]).toEqual(before.users[0]);
    expect(doc["current-context"]).toBe("kind-dev");
    expect(doc.clusters[1]).toEqual({ name: "cce-prod", cluster: { server: exec.server, "certificate-authority-data": "Q0E=" } });
    expect(doc.users[1]).toEqual({
      name: "cce-prod",
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "cce-kubeconfig",
          args: ["credential", "--cluster-id", CLUSTER],
          interactiveMode: "Never",
          provideClusterInfo: false,
        },
      },
    });
    expect(doc.contexts[1]).toEqual({ name: "cce-prod", context: { cluster: "cce-prod", user: "cce-prod" } });
  });

  test("replaces entries of the same name instead of adding more, and --set-current switches", () => {
    const once = mergeKubeconfig(EXISTING, exec, false).text;
    const twice = mergeKubeconfig(once, { ...exec, server: "https://10.0.0.1:5443" }, true);
    const doc = parse(twice.text);
    expect(doc.clusters.map((c: { name: string }) => c.name)).toEqual(["kind-dev", "cce-prod"]);
    expect(doc.clusters[1].cluster.server).toBe("https://10.0.0.1:5443");
    expect(doc.users).toHaveLength(2);
    expect(twice.madeCurrent).toBe(true);
    expect(doc["current-context"]).toBe("cce-prod");
  });

  test("an insecure context gets insecure-skip-tls-verify and no CA (kubectl refuses both)", () => {
    const doc = parse(mergeKubeconfig(undefined, { ...exec, insecureSkipTlsVerify: true }, false).text);
    expect(doc.clusters[0].cluster).toEqual({ server: exec.server, "insecure-skip-tls-verify": true });
  });

  test("a new or empty file becomes a kubeconfig with the entry current", () => {
    for (const existing of [undefined, "", "\n"]) {
      const { text, madeCurrent } = mergeKubeconfig(existing, exec, false);
      expect(madeCurrent).toBe(true);
      expect(parse(text)).toMatchObject({ apiVersion: "v1", kind: "Config", "current-context": "cce-prod" });
    }
  });

  test("a file that is not YAML, or not a mapping, is refused naming the file and never quoting it", () => {
    const secret = "client-key-data: S0VZ-very-secret";
    expect(() => mergeKubeconfig(`${secret}\n  - : [`, exec, false, "/home/u/.kube/config")).toThrow(KubeconfigError);
    try {
      mergeKubeconfig(`${secret}\n  - : [`, exec, false, "/home/u/.kube/config");
    } catch (error) {
      expect((error as Error).message).toMatch(/^\/home\/u\/.kube\/config is not valid YAML \(line \d+\); fix or move it$/);
    }
    expect(() => mergeKubeconfig("- a\n- b\n", exec, false, "f")).toThrow("f is not a kubeconfig (its top level is not a mapping)");
    expect(() => mergeKubeconfig("clusters: 3\n", exec, false)).toThrow("the kubeconfig's clusters is not a list");
  });

  test("a new file is created 0600 in a new 0700 folder; an existing file keeps its mode; a link is written where it points", async () => {
    const file = join(dir, "kube", "config");
    await writeExecKubeconfig(file, exec, false);
    expect(mode(file)).toBe(0o600);
    expect(mode(join(dir, "kube"))).toBe(0o700);
    chmodSync(file, 0o640);
    await writeExecKubeconfig(file, { ...exec, name: "other" }, false);
    expect(mode(file)).toBe(0o640);
    const link = join(dir, "link");
    symlinkSync(file, link);
    await writeExecKubeconfig(link, { ...exec, name: "third" }, false);
    expect(parse(readFileSync(file, "utf8")).contexts).toHaveLength(3);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  test("the default file is the first path of $KUBECONFIG, else ~/.kube/config", () => {
    expect(defaultKubeconfigPath({ KUBECONFIG: "/a:/b" }, () => "/h")).toBe("/a");
    expect(defaultKubeconfigPath({ KUBECONFIG: "::/b" }, () => "/h")).toBe("/b");
    expect(defaultKubeconfigPath({}, () => "/h")).toBe("/h/.kube/config");
  });
});
