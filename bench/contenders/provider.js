// @ts-check
/**
 * The provider's `create` path as the dynamic-provider host runs it: operations.configure with
 * the stack config once, check once, then create per call (a client per call, credentials
 * resolved per call, the mint, outputs, X.509 facts and the kubeconfig YAML).
 */
const path = require("node:path");

const DIST = path.resolve(__dirname, "..", "..", "dist");

module.exports = {
  name: "provider",
  label: "ours: provider create (mint + outputs + kubeconfig)",
  load: () => require(path.join(DIST, "provider", "operations")),
  /**
   * @param {any} operations
   * @param {import("../lib/emulator-process").EmulatorTarget} target
   */
  async make(operations, target) {
    /** @type {Record<string, string>} */
    const config = {
      "huaweicloud:accessKey": target.credentials.accessKey,
      "huaweicloud:secretKey": target.credentials.secretKey,
      "huaweicloud:projectId": target.projectId,
    };
    await operations.configure({ config: { get: (/** @type {string} */ key) => config[key] } });
    const { inputs, failures } = await operations.check({}, { clusterId: target.clusterId, endpoint: target.url, duration: 30 });
    if (failures.length > 0) throw new Error(`provider check failed: ${failures.map((/** @type {any} */ f) => f.property).join(", ")}`);
    return {
      async call() {
        await operations.create(inputs);
      },
      close: async () => {},
    };
  },
};
