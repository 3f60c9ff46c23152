// @ts-check
/**
 * Ours: `CceClient.createClusterCertificate` (signing every call, the response validated), on the
 * client's default shared agent. `module` picks what is imported, for the cold start: the client
 * module itself, the package index (what `require("pulumi-cce-kubeconfig")` costs today) or the
 * client-only entry point once it exists (dist/client.js).
 */
const { existsSync } = require("node:fs");
const path = require("node:path");

const DIST = path.resolve(__dirname, "..", "..", "dist");

/** @param {string} name @param {string} label @param {string} file relative to dist/ */
function variant(name, label, file) {
  const modulePath = path.join(DIST, file);
  return {
    name,
    label,
    /** False when this build has no such module (the client entry point before it is added). */
    available: () => existsSync(`${modulePath}.js`),
    load: () => require(modulePath),
    /**
     * @param {any} lib
     * @param {import("../lib/emulator-process").EmulatorTarget} target
     */
    async make(lib, target) {
      const client = new lib.CceClient({ endpoint: target.url, projectId: target.projectId, credentials: { kind: "aksk", ...target.credentials } });
      return {
        async call() {
          await client.createClusterCertificate(target.clusterId, { duration: 30 });
        },
        close: async () => {},
      };
    },
  };
}

module.exports = {
  ours: variant("ours", "ours: CceClient.createClusterCertificate", "api/client"),
  oursIndex: variant("ours-index", "ours, imported from the package index", "index"),
  oursEntry: variant("ours-entry", "ours, from pulumi-cce-kubeconfig/client", "client"),
};
