/**
 * Every resource the package serves: one line each. (index.ts orders them by type token, so the
 * schema does not depend on this file's order or on how a bundler orders a module's exports.)
 */
export { clusterCertificate } from "./cluster-certificate";
export { execKubeconfig } from "./exec-kubeconfig";
export { certificateRevocation } from "./certificate-revocation";
