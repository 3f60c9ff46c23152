// Kubernetes credentials for a CCE cluster, as secret stack outputs.
//
// Project, region and credentials come from stack config (huaweicloud:projectId, huaweicloud:region,
// huaweicloud:accessKey, huaweicloud:secretKey) or the HW_* environment variables.
import * as pulumi from "@pulumi/pulumi";
import { ClusterCertificate, type ContextChoice } from "pulumi-cce-kubeconfig";

const config = new pulumi.Config();

const cert = new ClusterCertificate("cluster-admin", {
  clusterId: config.require("clusterId"),
  duration: config.getNumber("duration") ?? 365,
  context: (config.get("context") as ContextChoice | undefined) ?? "auto",
});

export const kubeconfig = cert.kubeconfig;
export const server = cert.server;
export const contexts = cert.contexts;
export const currentContext = cert.currentContext;
export const expiresAt = cert.expiresAt;
export const clusterId = cert.clusterId;
