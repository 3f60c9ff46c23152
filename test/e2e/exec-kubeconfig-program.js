// The ExecKubeconfig end-to-end program (test/e2e/exec-kubeconfig-engine.test.ts): an exec
// kubeconfig, a k8s.Provider fed it, and a Namespace and a ConfigMap through that provider on the
// real API server the emulator's cluster was handed over to. Copied into the packed-program folder.
// With e2e:mode "certificate" it holds a ClusterCertificate alone: the leak scan's control.
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");
const { ClusterCertificate, ExecKubeconfig, execCommandPath } = require("pulumi-cce-kubeconfig");

const config = new pulumi.Config("e2e");
const clusterId = config.require("clusterId");
const endpoint = config.require("endpoint");

if (config.get("mode") === "certificate") {
  const cert = new ClusterCertificate("control-cert", { clusterId, endpoint, duration: 1 });
  module.exports = { expiresAt: cert.expiresAt };
} else {
  // The command the Kubernetes provider runs: this package's, where npm installed it on this machine.
  const exec = new ExecKubeconfig("exec", { clusterId, endpoint, command: execCommandPath() });
  const provider = new k8s.Provider("k8s", { ...exec.kubernetesProviderArgs(), enableConfigMapMutable: true });
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
    kubeconfig: exec.kubeconfig,
    server: exec.server,
    commandPath: execCommandPath(),
    execUrn: exec.urn,
    providerUrn: provider.urn,
    namespaceUrn: namespace.urn,
    configMapUrn: settings.urn,
  };
}
