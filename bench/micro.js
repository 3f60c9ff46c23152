#!/usr/bin/env node
// @ts-check
/**
 * Micro benchmarks, each a ratio against a baseline measured in the same run, on the same
 * machine, interleaved round by round (so load from elsewhere hits both sides alike).
 * Run: npm run bench (builds dist/ first; BENCH_ONLY=micro for these alone), or node bench/micro.js.
 * Not a test: nothing here asserts a time.
 */
const { createHmac } = require("node:crypto");
const { Agent, request } = require("undici");
const { CceClient, renderKubeconfig, signRequest, startEmulator } = require("../dist");
const { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID } = require("../dist/emulator");
const operations = require("../dist/provider/operations");

const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 5);

/** Median time per operation (ns) of `fn` run `n` times, `rounds` times, interleaved with `base`. */
async function compare(/** @type {string} */ name, /** @type {number} */ n, /** @type {() => any} */ base, /** @type {() => any} */ subject, concurrency = 1) {
  const once = async (/** @type {() => any} */ fn) => {
    const start = process.hrtime.bigint();
    if (concurrency === 1) for (let i = 0; i < n; i++) await fn();
    else for (let i = 0; i < n; i += concurrency) await Promise.all(Array.from({ length: Math.min(concurrency, n - i) }, fn));
    return Number(process.hrtime.bigint() - start) / n;
  };
  await once(base);
  await once(subject); // warm-up
  const b = [];
  const s = [];
  for (let r = 0; r < ROUNDS; r++) {
    b.push(await once(base));
    s.push(await once(subject));
  }
  const median = (/** @type {number[]} */ xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  const [mb, ms] = [median(b), median(s)];
  return { name, baseline: mb, subject: ms, ratio: ms / mb };
}

const fmt = (/** @type {number} */ ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);

async function runMicro() {
  const emulator = await startEmulator();
  const { accessKey, secretKey } = emulator.credentials[0];
  const credentials = { kind: "aksk", accessKey, secretKey };
  const client = new CceClient({ endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, credentials });
  const clusterPath = `/api/v3/projects/${DEFAULT_PROJECT_ID}/clusters/${DEFAULT_CLUSTER_ID}`;
  const rows = [];
  try {
    // 1. The signer against the HMAC it must compute anyway: the cost of canonicalization.
    const req = { method: "POST", url: `${emulator.url}${clusterPath}/clustercert`, headers: { Host: "cce.example.com", "Content-Type": "application/json" }, body: '{"duration":30}' };
    const stringToSign = `SDK-HMAC-SHA256\n20240101T000000Z\n${"a".repeat(64)}`;
    rows.push(
      await compare(
        "signRequest vs one HMAC-SHA256 (baseline)",
        20_000,
        () => createHmac("sha256", secretKey).update(stringToSign).digest("hex"),
        () => signRequest(req, credentials),
      ),
    );

    // 2. The client's own cost (signing per call, validation, retry wrapper) against a bare undici
    //    GET that replays headers signed once (same server work, same keep-alive).
    const raw = new Agent({ keepAliveTimeout: 30_000 });
    const url = new URL(`${emulator.url}${clusterPath}`);
    const presigned = signRequest({ method: "GET", url, headers: { Host: url.host, "Content-Type": "application/json", "X-Project-Id": DEFAULT_PROJECT_ID } }, credentials).headers;
    rows.push(
      await compare(
        "CceClient.getCluster vs bare undici GET, pre-signed (baseline)",
        1_000,
        async () => (await request(url, { headers: presigned, dispatcher: raw })).body.text(),
        () => client.getCluster(DEFAULT_CLUSTER_ID),
      ),
    );

    // 3. Connection reuse: a new connection per call against the shared keep-alive agent (baseline).
    rows.push(
      await compare("a new connection per call vs the shared keep-alive agent (baseline)", 300, () => client.getCluster(DEFAULT_CLUSTER_ID), async () => {
        const agent = new Agent();
        try {
          await new CceClient({ endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID, credentials, dispatcher: agent }).getCluster(DEFAULT_CLUSTER_ID);
        } finally {
          await agent.close();
        }
      }),
    );

    // 4. The provider's create (mint + outputs + kubeconfig) against the mint alone (baseline).
    await operations.configure({ config: { get: (/** @type {string} */ k) => ({ "huaweicloud:accessKey": accessKey, "huaweicloud:secretKey": secretKey, "huaweicloud:projectId": DEFAULT_PROJECT_ID })[k] } });
    const { inputs } = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url });
    rows.push(
      await compare("provider create vs CceClient mint alone (baseline)", 200, () => client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 30 }), () => operations.create(inputs)),
    );

    // 5. Concurrency: 20 calls in flight against one at a time (baseline), per call.
    rows.push(await compare("20 concurrent getCluster vs sequential (baseline), per call", 1_000, () => client.getCluster(DEFAULT_CLUSTER_ID), () => client.getCluster(DEFAULT_CLUSTER_ID), 20));

    // 6. Rendering the kubeconfig YAML against JSON.stringify of the same document (baseline).
    const { config } = await client.createClusterCertificate(DEFAULT_CLUSTER_ID, { duration: 30 });
    rows.push(await compare("renderKubeconfig (YAML) vs JSON.stringify (baseline)", 5_000, () => JSON.stringify(config), () => renderKubeconfig(config)));

    await raw.close();
  } finally {
    await emulator.stop();
  }
  return { rounds: ROUNDS, rows };
}

/** The rows as aligned text, for the terminal. */
function printMicro(/** @type {{rounds: number, rows: Array<{name: string, baseline: number, subject: number, ratio: number}>}} */ result) {
  const width = Math.max(...result.rows.map((r) => r.name.length));
  process.stdout.write(`micro benchmarks (median of ${result.rounds} interleaved rounds; ratio = subject / baseline)\n`);
  for (const r of result.rows) process.stdout.write(`${r.name.padEnd(width)}  baseline ${fmt(r.baseline).padStart(9)}  subject ${fmt(r.subject).padStart(9)}  ratio ${r.ratio.toFixed(2)}\n`);
}

module.exports = { runMicro, printMicro };

if (require.main === module) {
  runMicro().then(printMicro, (error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
