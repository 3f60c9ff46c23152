/**
 * ClusterCertificate: a client certificate of a CCE cluster and the kubeconfig that uses it. The
 * operations are provider/operations.ts, where the serialized dynamic provider of existing stacks
 * requires them by module path (provider/shim.ts).
 */
import { storedKubeconfigEntries } from "../../kubeconfig/stored";
import { createOperations, UPDATE_IN_PLACE } from "../../provider/operations";
import type { CertificateOutputs } from "../../provider/outputs";
import { asResourceOperations, defineResource } from "../registry";
import { SCHEMA, TYPES } from "./schema";

export const clusterCertificate = defineResource({
  name: "ClusterCertificate",
  schema: SCHEMA,
  types: TYPES,
  updateInPlace: UPDATE_IN_PLACE,
  operations: (options) => {
    const operations = createOperations(options);
    return asResourceOperations(operations, (id, props) => operations.deleteCertificate(id, props));
  },
  /** The server, CA, client certificate and key, contexts and clusters of the stored kubeconfig. */
  derivedOutputs(stored) {
    const { server, certificateAuthorityData, clientCertificateData, clientKeyData, contexts, clusters } = storedKubeconfigEntries(
      (stored as unknown as CertificateOutputs).kubeconfig,
    );
    return { server, certificateAuthorityData, clientCertificateData, clientKeyData, contexts, clusters };
  },
});
