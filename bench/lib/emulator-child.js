#!/usr/bin/env node
// @ts-check
/**
 * The CCE emulator in a process of its own (forked by emulator-process.js), so that a benchmark
 * process measures only its client's CPU, and the emulator's share is read from here.
 *
 * IPC only (nothing secret is printed): the parent sends {id, type, ...}; this answers {id, ...}.
 *   start {preissued}  -> {url, credentials, projectId, clusterId, preissued: "option"|"bench-patch"|"off"}
 *   cpu                -> {user, system, rss}   (process.cpuUsage() in µs, rss in bytes)
 *   mints              -> {count}
 *   stop               -> {} and exit
 *
 * "Pre-issued": every clustercert call answers with one certificate minted once per cluster, so
 * the emulator's P-256 key generation and X.509 signing (milliseconds each) do not set the pace.
 * It uses startEmulator's `preissuedCertificates: true` when the emulator supports it; until then,
 * a stopgap in this process only: issueClientCertificate of dist/emulator/ca.js is wrapped to
 * return one certificate per cluster authority (the registry calls it through the module's
 * exports object, so the wrapper is what it reaches). Either way a probe of two calls checks that
 * the answers are identical, so the mode reported is the mode measured.
 */
const path = require("node:path");

const DIST = path.resolve(__dirname, "..", "..", "dist");

/** @param {"option" | "bench-patch" | "off"} mode */
async function start(mode) {
  const { startEmulator, DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID } = require(path.join(DIST, "emulator"));
  if (mode === "bench-patch") patchCa();
  const options = mode === "off" ? {} : { preissuedCertificates: true };
  const emulator = await startEmulator(options);
  const target = { url: emulator.url, credentials: emulator.credentials[0], projectId: DEFAULT_PROJECT_ID, clusterId: DEFAULT_CLUSTER_ID };
  const same = await probeIdentical(target);
  return { emulator, target, same };
}

/** Wraps issueClientCertificate so each cluster authority mints once (see the header comment). */
function patchCa() {
  const ca = require(path.join(DIST, "emulator", "ca"));
  const original = ca.issueClientCertificate;
  /** @type {WeakMap<object, Promise<unknown>>} */
  const issued = new WeakMap();
  ca.issueClientCertificate = (/** @type {object} */ authority, /** @type {unknown[]} */ ...rest) => {
    const cached = issued.get(authority);
    if (cached !== undefined) return cached;
    // Five years, the CCE maximum: every duration a benchmark asks for fits inside it.
    const now = Date.now();
    const cert = original(authority, rest[0], new Date(now - 60_000), new Date(now + 5 * 365 * 86_400_000));
    issued.set(authority, cert);
    return cert;
  };
}

/** Two mints through the package's own client; true when both answers carry the same certificate. */
async function probeIdentical(/** @type {any} */ target) {
  const { CceClient } = require(path.join(DIST, "api", "client"));
  const client = new CceClient({ endpoint: target.url, projectId: target.projectId, credentials: { kind: "aksk", ...target.credentials } });
  const certOf = async () => (await client.createClusterCertificate(target.clusterId, { duration: 30 })).config.users[0].user["client-certificate-data"];
  return (await certOf()) === (await certOf());
}

/** @type {any} */
let emulator;
process.on("message", async (/** @type {any} */ message) => {
  const reply = (/** @type {object} */ body) => process.send?.({ id: message.id, ...body });
  try {
    switch (message.type) {
      case "start": {
        let mode = message.preissued ? "option" : "off";
        let started = await start(/** @type {any} */ (mode));
        if (message.preissued && !started.same) {
          // The emulator ignored the option: restart it with the stopgap.
          await started.emulator.stop();
          mode = "bench-patch";
          started = await start("bench-patch");
          if (!started.same) throw new Error("the pre-issued stopgap did not take: two calls returned different certificates");
        }
        emulator = started.emulator;
        reply({ ...started.target, preissued: mode });
        break;
      }
      case "cpu": {
        const { user, system } = process.cpuUsage();
        reply({ user, system, rss: process.memoryUsage.rss() });
        break;
      }
      case "mints":
        reply({ count: emulator.mintCount() });
        break;
      case "stop":
        await emulator?.stop();
        reply({});
        process.disconnect?.();
        break;
      default:
        reply({ error: `unknown message ${JSON.stringify(message.type)}` });
    }
  } catch (error) {
    reply({ error: error instanceof Error ? error.message : String(error) });
  }
});
