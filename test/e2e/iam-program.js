// The program of the sign-in end-to-end test: copied into the folder where the packed package is installed.
const pulumi = require("@pulumi/pulumi");
const { ClusterCertificate } = require("pulumi-cce-kubeconfig");

const config = new pulumi.Config("e2e");
const endpoint = config.require("endpoint");

const cert = new ClusterCertificate("cert", { clusterId: config.require("clusterId"), endpoint });

// A second certificate, on an Autopilot cluster with an EIP: its create checks the cluster (GET), then mints (POST).
const second = config.get("secondClusterId")
  ? new ClusterCertificate("second", {
      clusterId: config.require("secondClusterId"),
      endpoint,
      clusterKind: "autopilot",
      context: "externalTLSVerify",
    })
  : undefined;

module.exports = {
  expiresAt: cert.expiresAt,
  kubeconfig: cert.kubeconfig,
  secondExpiresAt: second?.expiresAt,
  secondContext: second?.currentContext,
};
