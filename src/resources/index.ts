/**
 * The resource registry: every resource the package serves (list.ts, one line each), by type
 * token. The plugin dispatches each request through it and builds its schema from it.
 */
import * as list from "./list";
import type { ResourceEntry } from "./registry";

export const RESOURCES: readonly ResourceEntry[] = Object.values(list).sort((a, b) => a.type.localeCompare(b.type));

export type { ResourceEntry, ResourceOperations, ResourceOptions } from "./registry";
export { certificateRevocation, clusterCertificate, execKubeconfig } from "./list";
export { PACKAGE_NAME } from "./registry";
