/**
 * Every resource the package serves, by type token: the plugin dispatches each request through
 * this list and builds its schema from it. Adding a resource is a folder beside these and one line.
 */
import { clusterCertificate } from "./cluster-certificate";
import { execKubeconfig } from "./exec-kubeconfig";
import type { ResourceEntry } from "./registry";

export const RESOURCES: readonly ResourceEntry[] = [
  clusterCertificate,
  execKubeconfig,
];

export type { ResourceEntry, ResourceOperations, ResourceOptions } from "./registry";
export { clusterCertificate, execKubeconfig };
export { PACKAGE_NAME } from "./registry";
