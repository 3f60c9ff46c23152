// The Kubernetes end-to-end program (test/e2e/kubernetes.test.ts): a ClusterCertificate, a
// k8s.Provider fed its kubeconfig, and a Namespace and a ConfigMap through that provider on the
// real API server the emulator's cluster was handed over to. Copied into the packed-program folder.
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { ClusterCertificate } = require("pulumi-cce-kubeconfig");

const config = new pulumi.Config("e2e");

const cert = new ClusterCertificate("cert", {
  clusterId: config.require("clusterId"),
  endpoint: config.require("endpoint"),
  duration: 365,
  context: config.get("context") ?? "auto",
});

// "pinned" (the default) is what users should write: kubernetesProviderArgs() sets clusterIdentifier.
// "unpinned" is the control: the same provider without it.
const pinned = (config.get("provider") ?? "pinned") === "pinned";
const provider = new k8s.Provider(pinned ? "k8s" : "k8s-unpinned", {
  ...(pinned ? cert.kubernetesProviderArgs() : { kubeconfig: cert.kubeconfig }),
  // A data change then patches the ConfigMap (same object, same uid) instead of replacing it.
  enableConfigMapMutable: config.getBoolean("mutableConfigMaps") ?? true,
});

const namespace = new k8s.core.v1.Namespace("apps", { metadata: { name: `${pulumi.getStack()}-apps` } }, { provider });
const settings = new k8s.core.v1.ConfigMap(
  "settings",
  { metadata: { namespace: namespace.metadata.name, name: "settings" }, data: { greeting: config.get("greeting") ?? "hello" } },
  { provider },
);

module.exports = {
  namespace: namespace.metadata.name,
  namespaceUid: namespace.metadata.uid,
  configMapUid: settings.metadata.uid,
  kubeconfig: cert.kubeconfig,
  expiresAt: cert.expiresAt,
  certificateUrn: cert.urn,
  providerUrn: provider.urn,
  namespaceUrn: namespace.urn,
  configMapUrn: settings.urn,
};
