// A TypeScript program: copied as index.ts into a "type": "module" program folder and compiled
// there by tsc with `module: nodenext` (to an ES module), as a user's build would.
import * as pulumi from "@pulumi/pulumi";
import { ClusterCertificate, type ClusterCertificateArgs } from "pulumi-cce-kubeconfig";

const config = new pulumi.Config("e2e");
const args: ClusterCertificateArgs = { clusterId: config.require("clusterId"), endpoint: config.require("endpoint"), duration: 30 };
const cert = new ClusterCertificate("cert", args);

export const kubeconfig: pulumi.Output<string> = cert.kubeconfig;
export const expiresAt: pulumi.Output<string> = cert.expiresAt;
export const currentContext: pulumi.Output<string> = cert.currentContext;
