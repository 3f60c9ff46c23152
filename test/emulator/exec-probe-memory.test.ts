/**
 * Issue 21, items 7 and 8: the exec command's certificate core (obtainCertificate) against the
 * emulator, with an injected clock. A server that refuses a certificate minted minutes ago costs
 * one mint, not one a minute; an unreachable API server is remembered, so parallel calls do not
 * each wait out a probe under the lock; a server that cannot be verified is never probed, and
 * `auto` never settles for a context that skips TLS verification.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { createClusterAuthority, issueClientCertificate } from "../../src/emulator/ca";
import { DAY_MS, MINUTE_MS } from "../../src/constants";
import { obtainCertificate, type CertificateOptions } from "../../src/exec/certificates";
import { probeCertificate, type ProbeTarget, type ProbeVerdict } from "../../src/exec/probe";
import type { ClusterSelection } from "../../src/exec/arguments";
import { cloudFreeEnv } from "../helpers/cloud-free-env";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, EIP_CLUSTER_ID, startTestEmulator } from "../helpers/emulator";

let emulator: Emulator;
let cache: string;
let now: Date;
/** A TCP server that accepts and never answers, counting connections: an API server that hangs. */
let silent: Server;
let silentConnections = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  emulator = await startTestEmulator();
  silent = createServer((socket) => {
    silentConnections += 1;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  await emulator.stop();
});
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), "cce-probe-memory-"));
  now = new Date();
  silentConnections = 0;
  emulator.clearFaults();
});
afterEach(() => rmSync(cache, { recursive: true, force: true }));

const silentUrl = () => `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
const env = () => cloudFreeEnv(process.env, { CCE_KUBECONFIG_CACHE_DIR: cache, HW_PROJECT_ID: DEFAULT_PROJECT_ID, HW_ACCESS_KEY: emulator.credentials[0]!.accessKey, HW_SECRET_KEY: emulator.credentials[0]!.secretKey });
const obtain = (probe: (target: ProbeTarget) => Promise<ProbeVerdict>, cluster: Partial<ClusterSelection> = {}, extra: Partial<CertificateOptions> = {}) =>
  obtainCertificate({ clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, ...cluster }, { env: env(), clock: () => now, warn: () => undefined, probe, lock: { pollMs: 5 }, ...extra });
const later = (ms: number) => (now = new Date(now.getTime() + ms));
const never = (): Promise<ProbeVerdict> => Promise.reject(new Error("probed a certificate that needed no probe"));

describe("a server that refuses every certificate costs one mint, not one a minute (issue 21, item 7)", () => {
  test("a certificate minted 2 minutes ago that the server refuses fails naming the server, the context and the cache file, and mints nothing (control: 11 minutes after, one mint)", async () => {
    const first = await obtain(never);
    expect(first.minted).toBe(true);
    const mints = emulator.mintCount();
    later(2 * MINUTE_MS);
    await expect(obtain(async () => "rejected")).rejects.toMatchObject({
      code: "CCE_KUBECONFIG_INVALID",
      message: expect.stringMatching(/^the API server .* refused the certificate CCE minted 120 s ago: .* to mint now\)$/),
    });
    const refusal = (await obtain(async () => "rejected").catch((error: unknown) => error)) as Error;
    expect(refusal.message).toContain(`the API server ${first.server} (context auto of cluster ${DEFAULT_CLUSTER_ID}) refused`);
    expect(refusal.message).toContain(`(delete ${first.cacheFile} to mint now)`);
    expect(emulator.mintCount()).toBe(mints);
    later(9 * MINUTE_MS);
    expect((await obtain(async () => "rejected")).minted).toBe(true);
    expect(emulator.mintCount()).toBe(mints + 1);
  });

  test("an unreachable API server is probed once for 20 parallel calls, and each is served the cached certificate", async () => {
    await obtain(never);
    const mints = emulator.mintCount();
    later(2 * MINUTE_MS);
    let probes = 0;
    const hanging = (target: ProbeTarget) => {
      probes += 1;
      return probeCertificate({ ...target, server: silentUrl() }, 300);
    };
    const started = Date.now();
    const served = await Promise.all(Array.from({ length: 20 }, () => obtain(hanging)));
    expect(served.every((s) => !s.minted)).toBe(true);
    expect([probes, silentConnections]).toEqual([1, 1]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(emulator.mintCount()).toBe(mints);
  });
});

describe("no silent skip of TLS verification (issue 21, item 8)", () => {
  /** CCE's answer for a cluster whose only reachable context is `external`, which skips TLS verification. */
  async function externalOnly(): Promise<Record<string, unknown>> {
    const authority = await createClusterAuthority(EIP_CLUSTER_ID, now);
    const client = await issueClientCertificate(authority, "0123456789abcdef0123456789abcdef", now, new Date(now.getTime() + DAY_MS));
    const data = (pem: string) => Buffer.from(pem).toString("base64");
    return {
      kind: "Config",
      apiVersion: "v1",
      preferences: {},
      clusters: [{ name: "externalCluster", cluster: { server: silentUrl(), "insecure-skip-tls-verify": true } }],
      users: [{ name: "user", user: { "client-certificate-data": data(client.certificatePem), "client-key-data": data(client.privateKeyPem) } }],
      contexts: [{ name: "external", context: { cluster: "externalCluster", user: "user" } }],
      "current-context": "external",
    };
  }

  test("in auto, an answer with only the external context is refused naming --context external, and nothing is cached (control: --context external is accepted)", async () => {
    emulator.injectFault({ method: "POST", path: /\/clustercert$/, status: 200, body: await externalOnly(), times: 2 });
    await expect(obtain(never, { clusterId: EIP_CLUSTER_ID })).rejects.toMatchObject({
      code: "CCE_INVALID_INPUT",
      field: "--context",
      message: expect.stringContaining("pass --context external to accept that, or --context internal inside the VPC; nothing was cached"),
    });
    expect(readdirSync(cache).filter((name) => name.endsWith(".json"))).toEqual([]);
    const chosen = await obtain(never, { clusterId: EIP_CLUSTER_ID, context: "external" });
    expect([chosen.minted, chosen.insecureSkipTlsVerify]).toEqual([true, true]);
  });

  test("the probe never connects to a server it cannot verify (control: a verified target is connected to)", async () => {
    const authority = await createClusterAuthority(DEFAULT_CLUSTER_ID, now);
    const client = await issueClientCertificate(authority, "0123456789abcdef0123456789abcdef", now, new Date(now.getTime() + DAY_MS));
    const target: ProbeTarget = { server: silentUrl(), insecureSkipTlsVerify: true, certificatePem: client.certificatePem, keyPem: client.privateKeyPem };
    expect(await probeCertificate(target, 300)).toBe("unknown");
    expect(silentConnections).toBe(0);
    expect(await probeCertificate({ ...target, insecureSkipTlsVerify: false, certificateAuthorityData: Buffer.from(authority.ca.certificatePem).toString("base64") }, 300)).toBe("unknown");
    expect(silentConnections).toBe(1);
  });
});
