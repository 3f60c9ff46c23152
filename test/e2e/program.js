// The end-to-end program: copied into a folder where the packed package is installed.
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
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
  ? new ClusterCertificate("renewing", {
      clusterId: config.require("renewingClusterId"),
      endpoint,
      duration: 365,
      context: config.get("renewingContext") ?? "auto",
    })
  : undefined;

// The Kubernetes provider a user builds from the renewing certificate: clusterIdentifier keeps it
// (and whatever it manages) from being replaced when renewal changes the kubeconfig.
const provider = renewing
  ? new k8s.Provider("k8s", renewing.kubernetesProviderArgs())
  : undefined;

// The control: without clusterIdentifier, a kubeconfig whose server changes replaces the provider.
const unpinned = renewing ? new k8s.Provider("k8s-unpinned", { kubeconfig: renewing.kubeconfig }) : undefined;

module.exports = {
  k8sProviderUrn: provider?.urn,
  unpinnedProviderUrn: unpinned?.urn,
  kubeconfig: cert.kubeconfig,
  clientKeyData: cert.clientKeyData,
  expiresAt: cert.expiresAt,
  currentContext: cert.currentContext,
  clusterId: cert.clusterId,
  renewingExpiresAt: renewing?.expiresAt,
  renewingClusterId: renewing?.clusterId,
};
