/**
 * The mint core: locate a cluster, sign in, mint (or revoke), and read CCE's answer out as data.
 * It knows no host: the dynamic provider's ClusterCertificate operations, the CertificateRevocation
 * resource and the `cce-kubeconfig` command call it, each rendering the data its own way.
 */
export { conflictWarning } from "../credentials";
export { clientCertificateOf, type ClientCertificate } from "./context";
export { kindOf, type ClusterLocation, type Located } from "./locate";
export { clientFor } from "./client";
export { mintCertificate, type MintedCertificate, type MintRequest } from "./mint";
export { revokeCertificates } from "./revoke";
export { createSession, type Session, type SessionOptions } from "./session";
