// @ts-check
/**
 * The floor: bare undici, the same pool shape as the client's shared agent (16 connections, keep-
 * alive), headers signed once per round and replayed, the answer read and not validated. What no
 * client of this API can go below on this machine.
 */
const path = require("node:path");

const DIST = path.resolve(__dirname, "..", "..", "dist");

module.exports = {
  name: "floor",
  label: "floor: bare undici, signed once",
  load: () => require("undici"),
  /**
   * @param {typeof import("undici")} undici
   * @param {import("../lib/emulator-process").EmulatorTarget} target
   */
  async make(undici, target) {
    // The signer is loaded here, not in load(): the floor's import is undici alone.
    const { signRequest } = require(path.join(DIST, "signing"));
    const dispatcher = new undici.Agent({ keepAliveTimeout: 30_000, connections: 16 });
    const url = new URL(`${target.url}/api/v3/projects/${target.projectId}/clusters/${target.clusterId}/clustercert`);
    const body = JSON.stringify({ duration: 30 });
    const sign = () =>
      signRequest(
        { method: "POST", url, headers: { Host: url.host, "Content-Type": "application/json", "X-Project-Id": target.projectId }, body },
        { kind: "aksk", ...target.credentials },
      ).headers;
    let headers = sign();
    return {
      /** X-Sdk-Date is valid for 15 minutes: sign again before each round, outside the timing. */
      prepare() {
        headers = sign();
      },
      async call() {
        const res = await undici.request(url, { method: "POST", headers, body, dispatcher });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`floor: HTTP ${res.statusCode}`);
      },
      close: () => dispatcher.close(),
    };
  },
};
