// The CertificateRevocation end-to-end program (test/e2e/certificate-revocation-engine.test.ts):
// one revocation whose ids and trigger come from stack config. Copied into the packed-program folder.
const pulumi = require("@pulumi/pulumi");
const { CertificateRevocation } = require("pulumi-cce-kubeconfig");

const config = new pulumi.Config("e2e");
const args = { clusterId: config.require("clusterId"), endpoint: config.require("endpoint") };
for (const name of ["userId", "agencyId"]) if (config.get(name) !== undefined) args[name] = config.get(name);
if (config.get("trigger") !== undefined) args.triggers = [config.get("trigger")];
const revocation = new CertificateRevocation("leaked-user", args);
module.exports = { revokedAt: revocation.revokedAt, urn: revocation.urn };
