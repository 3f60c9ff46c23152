/**
 * Issue 21, item 5, end to end in-process: `cce-kubeconfig credential`'s certificate core
 * (obtainCertificate) against the emulator, with temporary keys that rotate (an SSO profile, a
 * security token). Before, each rotation's keys were a new identity and left one private key in
 * the cache per rotation; now the entry of the new keys supersedes the last.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator, EmulatorCredential } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { obtainCertificate } from "../../src/exec/certificates";
import { cloudFreeEnv } from "../helpers/cloud-free-env";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";

const ROTATIONS: EmulatorCredential[] = [1, 2, 3].map((n) => ({
  accessKey: `TMPROTATION000000${n}AB`,
  secretKey: `rotation-secret-key-00000000000000000${n}`,
  securityToken: `rotation-security-token-000${n}`,
}));
const FIXED: EmulatorCredential = { accessKey: "FIXEDCLEANUPKEY00001", secretKey: "fixed-cleanup-secret-key-000000000000001" };

let emulator: Emulator;
let cache: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [...ROTATIONS, FIXED] });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  forgetIssuedCredentials();
  cache = mkdtempSync(join(tmpdir(), "cce-cache-cleanup-"));
});
afterEach(() => rmSync(cache, { recursive: true, force: true }));

const envOf = (keys: EmulatorCredential) =>
  cloudFreeEnv(process.env, {
    CCE_KUBECONFIG_CACHE_DIR: cache,
    HW_PROJECT_ID: DEFAULT_PROJECT_ID,
    HW_ACCESS_KEY: keys.accessKey,
    HW_SECRET_KEY: keys.secretKey,
    ...(keys.securityToken === undefined ? {} : { HW_SECURITY_TOKEN: keys.securityToken }),
  });

const obtain = (keys: EmulatorCredential) => obtainCertificate({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url }, { env: envOf(keys), warn: () => undefined });
const entries = () => readdirSync(cache).filter((name) => name.endsWith(".json"));

describe("the cache forgets what it no longer needs (issue 21, item 5)", () => {
  test("three rotations of temporary keys leave one private key, the last one's (control: a fixed key's entry stays beside it)", async () => {
    await obtain(FIXED);
    const names: string[] = [];
    for (const keys of ROTATIONS) {
      const got = await obtain(keys);
      expect(got.minted).toBe(true);
      names.push(got.cacheFile);
    }
    const fixedName = (await obtain(FIXED)).cacheFile;
    expect(entries().sort()).toEqual([fixedName, names[2]!].map((file) => file.slice(cache.length + 1)).sort());
    // Each rotation had an entry of its own, each superseded by the next.
    expect(new Set(names).size).toBe(3);
  });
});
