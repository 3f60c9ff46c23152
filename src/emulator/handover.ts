/**
 * Handing a cluster over to an external Kubernetes API server (a real kube-apiserver): the
 * certificates it needs, issued by the cluster's CA, and the switch of the cluster's endpoint to it.
 */
import { InvalidInputError } from "../errors";
import { issueClientCertificate, issueServingCertificate } from "./ca";
import type { Registry } from "./registry";
import type { ClusterHandover } from "./types";

/** The controller manager's user name; its group is `system:masters`, like every client certificate here. */
export const CONTROLLER_MANAGER_USER = "system:kube-controller-manager";

/** The port of `https://127.0.0.1:PORT`, the only form the serving certificate's SANs cover for both entries. */
function loopbackPort(url: string): number {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const port = Number(parsed?.port);
  if (
    parsed === undefined ||
    parsed.protocol !== "https:" ||
    parsed.hostname !== "127.0.0.1" ||
    !Number.isInteger(port) ||
    port < 1 ||
    parsed.pathname !== "/" ||
    parsed.search !== "" ||
    parsed.username !== ""
  ) {
    throw new InvalidInputError("url", `must be https://127.0.0.1:PORT, the address the serving certificate names; got ${JSON.stringify(url)}`);
  }
  return port;
}

/**
 * Issues the external server's certificates; they are valid as long as the cluster's CA. The
 * controller manager's comes from the cluster's system issuer, which no revoke retires.
 */
export async function handOverCluster(registry: Registry, clusterId: string): Promise<ClusterHandover> {
  const { authority, issuers } = registry.cluster(clusterId);
  const { notBefore, notAfter } = authority.caCertificate;
  const serving = await issueServingCertificate(authority, notBefore, notAfter);
  await issuers.prepare();
  const controllerManager = await issueClientCertificate(await issuers.system(), CONTROLLER_MANAGER_USER, notBefore, notAfter);
  return {
    clusterId,
    caPem: authority.ca.certificatePem,
    clientCaBundlePem: () => issuers.bundle(),
    onClientCaChange: (listener) => issuers.onChange(listener),
    servingCertificatePem: serving.certificatePem,
    servingKeyPem: serving.privateKeyPem,
    controllerManagerCertificatePem: controllerManager.certificatePem,
    controllerManagerKeyPem: controllerManager.privateKeyPem,
    attach: async (url) => registry.attachApiServer(clusterId, loopbackPort(url)),
  };
}
