// A CCE cluster's certificate feeding @pulumi/kubernetes, which deploys a Namespace and a ConfigMap.
//
// Project, region and credentials come from stack config (huaweicloud:projectId, huaweicloud:region,
// huaweicloud:accessKey, huaweicloud:secretKey) or the HW_* environment variables.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCertificate } from "pulumi-cce-kubeconfig";

const cert = new ClusterCertificate("cluster-admin", { clusterId: new pulumi.Config().require("clusterId") });

// { kubeconfig, clusterIdentifier }: renewal then updates this provider in place, and nothing it manages is replaced.
const provider = new k8s.Provider("cce", cert.kubernetesProviderArgs());

const namespace = new k8s.core.v1.Namespace("apps", { metadata: { name: "apps" } }, { provider });
const settings = new k8s.core.v1.ConfigMap(
  "settings",
  { metadata: { namespace: namespace.metadata.name, name: "settings" }, data: { greeting: "hello from CCE" } },
  { provider },
);

export const namespaceName = namespace.metadata.name;
export const configMapName = settings.metadata.name;
export const expiresAt = cert.expiresAt;
export const kubeconfig = cert.kubeconfig;
