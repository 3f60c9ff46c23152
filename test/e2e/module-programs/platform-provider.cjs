// What the README tells ES module users to do with a provider of their own: keep it in a
// CommonJS file and require libraries inside its methods (as this package's provider does).
exports.platformProvider = {
  async create() {
    return { id: "platform", outs: { platform: require("node:os").platform() } };
  },
};
