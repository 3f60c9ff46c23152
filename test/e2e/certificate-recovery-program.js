// A ClusterCertificate alone (test/e2e/revocation.test.ts): what `pulumi up --replace` recovers
// after its user's certificates were revoked. Copied into the packed-program folder.
const pulumi = require("@pulumi/pulumi");
const { ClusterCertificate } = require("pulumi-cce-kubeconfig");

const config = new pulumi.Config("e2e");
const cert = new ClusterCertificate("stack-cert", { clusterId: config.require("clusterId"), endpoint: config.require("endpoint"), duration: 1 });
module.exports = { kubeconfig: cert.kubeconfig, urn: cert.urn };
