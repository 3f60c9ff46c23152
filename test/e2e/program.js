// The end-to-end program: copied into a folder where the packed package is installed.
const pulumi = require("@pulumi/pulumi");
const { ClusterCertificate } = require("pulumi-cce-kubeconfig");

const config = new pulumi.Config("e2e");
const endpoint = config.require("endpoint");

const cert = new ClusterCertificate("cert", {
  clusterId: config.require("clusterId"),
  endpoint,
  context: config.get("context") ?? "auto",
});

// A second certificate, on another cluster, for the renewal and deleted-cluster steps.
const renewing = config.get("renewingClusterId")
  ? new ClusterCertificate("renewing", { clusterId: config.require("renewingClusterId"), endpoint, duration: 365 })
  : undefined;

module.exports = {
  kubeconfig: cert.kubeconfig,
  clientKeyData: cert.clientKeyData,
  expiresAt: cert.expiresAt,
  currentContext: cert.currentContext,
  clusterId: cert.clusterId,
  renewingExpiresAt: renewing?.expiresAt,
  renewingClusterId: renewing?.clusterId,
};
