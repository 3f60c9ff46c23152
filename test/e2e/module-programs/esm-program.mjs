// An ES module program: copied as index.js into a program folder whose package.json says
// "type": "module", where the packed package is installed. It imports the package by name.
import * as pulumi from "@pulumi/pulumi";
import { ClusterCertificate } from "pulumi-cce-kubeconfig";

const config = new pulumi.Config("e2e");
const cert = new ClusterCertificate("cert", { clusterId: config.require("clusterId"), endpoint: config.require("endpoint") });

// The engine's dynamic-provider host reports the Node.js it runs on and the script it was started
// from (so which @pulumi/pulumi). Its provider uses only globals: a provider written in an ES
// module cannot capture imports (see esm-provider-imports.mjs).
const probe = new pulumi.dynamic.Resource(
  {
    async create() {
      return { id: "runtime-probe", outs: { node: process.version, hostScript: process.argv[1] } };
    },
  },
  "runtime-probe",
  { node: undefined, hostScript: undefined },
);

export const kubeconfig = cert.kubeconfig;
export const clientKeyData = cert.clientKeyData;
export const expiresAt = cert.expiresAt;
export const clusterId = cert.clusterId;
export const hostNode = probe.node;
export const hostScript = probe.hostScript;
