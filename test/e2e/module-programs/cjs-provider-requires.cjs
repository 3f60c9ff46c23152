// The control of esm-provider-imports.mjs: the same provider in CommonJS, where the serializer
// recognises a required module and the provider host requires it again.
const pulumi = require("@pulumi/pulumi");
const os = require("node:os");

const provider = {
  async create() {
    return { id: "platform", outs: { platform: os.platform() } };
  },
};
exports.platform = new pulumi.dynamic.Resource(provider, "platform", { platform: undefined }).platform;
