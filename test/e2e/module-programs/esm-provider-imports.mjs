// A user's own dynamic provider written in an ES module, reaching a namespace import: Pulumi's
// closure serialization captures the module namespace by value, and the provider host fails to
// load it (pulumi/pulumi #18977). The suite pins this failure; cjs-provider-requires.cjs is the control.
import * as pulumi from "@pulumi/pulumi";
import * as os from "node:os";

const provider = {
  async create() {
    return { id: "platform", outs: { platform: os.platform() } };
  },
};
export const platform = new pulumi.dynamic.Resource(provider, "platform", { platform: undefined }).platform;
