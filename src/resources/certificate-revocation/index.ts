/**
 * CertificateRevocation: revokes every client certificate of one IAM user or agency on a cluster.
 * The operations are operations.ts, which the Node resource's dynamic shim (shim.ts) requires by
 * module path too.
 */
import { asResourceOperations, defineResource } from "../registry";
import { createRevocationOperations } from "./operations";
import { CERTIFICATE_REVOCATION_SCHEMA } from "./schema";

export const certificateRevocation = defineResource({
  name: "CertificateRevocation",
  schema: CERTIFICATE_REVOCATION_SCHEMA,
  // Every change replaces the resource, and the replacement revokes again.
  updateInPlace: [],
  operations: ({ env, clock, client, warn }) => {
    const operations = createRevocationOperations({ env, clock, client, warn });
    return asResourceOperations(operations, (id, props) => operations.delete(id, props));
  },
  // Update is never reached (every change replaces) and calls nothing.
  updateMintsNothing: () => true,
});
