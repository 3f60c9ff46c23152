/**
 * ClusterCertificate: a client certificate of a CCE cluster and the kubeconfig that uses it. The
 * operations are provider/operations.ts, where the serialized dynamic provider of existing stacks
 * requires them by module path (provider/shim.ts).
 */
import { storedKubeconfigEntries } from "../../kubeconfig/entries";
import { createOperations, UPDATE_IN_PLACE, type Operations } from "../../provider/operations";
import type { CertificateOutputs } from "../../provider/outputs";
import { defineResource, type ResourceOperations } from "../registry";
import { SCHEMA, TYPES } from "./schema";

/** The provider's operations under the registry's names, with property bags. */
function asResourceOperations(operations: Operations): ResourceOperations {
  return {
    configure: (req) => operations.configure(req),
    check: (olds, news) => operations.check(olds, news) as ReturnType<ResourceOperations["check"]>,
    diff: (id, olds, news) => operations.diff(id, olds, news as never),
    create: (inputs) => operations.create(inputs as never),
    read: (id, props) => operations.read(id, props),
    update: (id, olds, news) => operations.update(id, olds as never, news as never),
    delete: (id, props) => operations.deleteCertificate(id, props),
  };
}

export const clusterCertificate = defineResource({
  name: "ClusterCertificate",
  schema: SCHEMA,
  types: TYPES,
  updateInPlace: UPDATE_IN_PLACE,
  operations: (options) => asResourceOperations(createOperations(options)),
  /** The server, CA, client certificate and key, contexts and clusters of the stored kubeconfig. */
  derivedOutputs(stored) {
    const { server, certificateAuthorityData, clientCertificateData, clientKeyData, contexts, clusters } = storedKubeconfigEntries(
      (stored as unknown as CertificateOutputs).kubeconfig,
    );
    return { server, certificateAuthorityData, clientCertificateData, clientKeyData, contexts, clusters };
  },
});
