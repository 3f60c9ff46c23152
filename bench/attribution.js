// @ts-check
/**
 * Where ours' extra time over the floor goes: a ladder of clients, each adding one piece of what
 * CceClient does to the one before, from the floor to CceClient itself, measured interleaved in the
 * same run. The step from the last hand-built rung to CceClient is the client's own wrapper
 * (call/attempt, credentials, header objects, request id, retry bookkeeping).
 *
 * CPU per call of this process is the figure to read: the emulator runs elsewhere, so it is the
 * client's work alone, and less noisy than wall time on a shared machine.
 */
const path = require("node:path");
const undici = require("undici");
const { sequential, rotate } = require("./lib/measure");
const { median, quantile } = require("./lib/stats");

const DIST = path.resolve(__dirname, "..", "dist");

/**
 * @typedef {object} Rung
 * @property {string} name
 * @property {string} label what this rung adds to the one before
 * @property {(target: import("./lib/emulator-process").EmulatorTarget) => {call(): Promise<void>, prepare?(): void, close(): Promise<void>}} make
 */

/** @returns {Rung[]} */
function rungs() {
  const { signRequest } = require(path.join(DIST, "signing"));
  const { clusterCertResponse } = require(path.join(DIST, "api", "schemas"));
  const { validate } = require(path.join(DIST, "api", "shape"));
  const { CceClient } = require(path.join(DIST, "api", "client"));
  /** @param {{proxyAgent?: boolean, sign?: boolean, timeout?: boolean, parse?: boolean, validate?: boolean}} pieces */
  const handBuilt = (pieces) => (/** @type {import("./lib/emulator-process").EmulatorTarget} */ target) => {
    const dispatcher = pieces.proxyAgent
      ? new undici.EnvHttpProxyAgent({ keepAliveTimeout: 30_000, connections: 16 })
      : new undici.Agent({ keepAliveTimeout: 30_000, connections: 16 });
    const endpoint = target.url;
    const path = `/api/v3/projects/${target.projectId}/clusters/${target.clusterId}/clustercert`;
    const credentials = { kind: "aksk", ...target.credentials };
    const body = JSON.stringify({ duration: 30 });
    const sign = () => {
      const url = new URL(`${endpoint}${path}`);
      const headers = { Host: url.host, "Content-Type": "application/json", "X-Project-Id": target.projectId };
      return { url, headers: signRequest({ method: "POST", url, headers, body }, credentials, { signingDate: new Date() }).headers };
    };
    let presigned = sign();
    return {
      prepare() {
        presigned = sign();
      },
      async call() {
        const { url, headers } = pieces.sign ? sign() : presigned;
        const res = await undici.request(url, {
          method: "POST",
          headers,
          body,
          dispatcher,
          signal: pieces.timeout ? AbortSignal.timeout(30_000) : undefined,
        });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        if (pieces.parse) {
          const json = JSON.parse(text);
          if (pieces.validate && !validate(clusterCertResponse, json).ok) throw new Error("invalid response");
        }
      },
      close: () => dispatcher.close(),
    };
  };
  return [
    { name: "floor", label: "floor: undici Agent, headers signed once", make: handBuilt({}) },
    { name: "proxy-agent", label: "+ EnvHttpProxyAgent (the client's default dispatcher)", make: handBuilt({ proxyAgent: true }) },
    { name: "sign", label: "+ new URL and signRequest every call", make: handBuilt({ proxyAgent: true, sign: true }) },
    { name: "timeout", label: "+ AbortSignal.timeout(30 s)", make: handBuilt({ proxyAgent: true, sign: true, timeout: true }) },
    { name: "json", label: "+ JSON.parse of the answer", make: handBuilt({ proxyAgent: true, sign: true, timeout: true, parse: true }) },
    { name: "validate", label: "+ validate(clusterCertResponse), the client's shape check", make: handBuilt({ proxyAgent: true, sign: true, timeout: true, parse: true, validate: true }) },
    {
      name: "client",
      label: "CceClient.createClusterCertificate (+ its own wrapper)",
      make: (target) => {
        const client = new CceClient({ endpoint: target.url, projectId: target.projectId, credentials: { kind: "aksk", ...target.credentials } });
        return { call: async () => void (await client.createClusterCertificate(target.clusterId, { duration: 30 })), close: async () => {} };
      },
    },
  ];
}

/**
 * @param {import("./lib/emulator-process").EmulatorTarget} target
 * @param {{cpu(): Promise<{user: number, system: number}>}} emulator
 * @param {{calls: number, rounds: number, warmup: number}} settings
 */
async function attribution(target, emulator, settings) {
  const made = rungs().map((rung) => ({ rung, made: rung.make(target) }));
  for (const { made: m } of made) for (let i = 0; i < settings.warmup; i++) await m.call();
  /** @type {Record<string, {p50: number[], clientCpuUs: number[], emulatorCpuUs: number[]}>} */
  const raw = Object.fromEntries(made.map(({ rung }) => [rung.name, { p50: [], clientCpuUs: [], emulatorCpuUs: [] }]));
  for (let round = 0; round < settings.rounds; round++) {
    process.stderr.write(`bench contenders: attribution round ${round + 1}/${settings.rounds}: ${settings.calls} calls per rung\n`);
    for (const { rung, made: m } of rotate(made, round)) {
      const r = await sequential(m, settings.calls, emulator);
      const row = raw[rung.name];
      if (!row) continue;
      row.p50.push(quantile(r.latencies, 0.5));
      row.clientCpuUs.push(r.clientCpuUs);
      row.emulatorCpuUs.push(r.emulatorCpuUs);
    }
  }
  for (const { made: m } of made) await m.close();
  return made.map(({ rung }) => {
    const r = raw[rung.name] ?? { p50: [], clientCpuUs: [], emulatorCpuUs: [] };
    return { name: rung.name, label: rung.label, p50: median(r.p50), clientCpuUs: median(r.clientCpuUs), emulatorCpuUs: median(r.emulatorCpuUs) };
  });
}

module.exports = { attribution, rungs };
