/**
 * CertificateRevocation: revokes every client certificate of one IAM user or agency on a cluster.
 * The operations are operations.ts, which the Node resource's dynamic shim (shim.ts) requires by
 * module path too.
 */
import { defineResource, type ResourceOperations } from "../registry";
import { createRevocationOperations, type RevocationOperations } from "./operations";
import { CERTIFICATE_REVOCATION_SCHEMA } from "./schema";

/** The operations under the registry's names, with property bags. */
function asResourceOperations(operations: RevocationOperations): ResourceOperations {
  return {
    configure: (req) => operations.configure(req),
    check: (olds, news) => operations.check(olds, news) as ReturnType<ResourceOperations["check"]>,
    diff: (id, olds, news) => operations.diff(id, olds, news as never),
    create: (inputs) => operations.create(inputs as never),
    read: (id, props) => operations.read(id, props),
    update: (id, olds, news) => operations.update(id, olds as never, news as never),
    delete: (id, props) => operations.delete(id, props),
  };
}

export const certificateRevocation = defineResource({
  name: "CertificateRevocation",
  schema: CERTIFICATE_REVOCATION_SCHEMA,
  // Every change replaces the resource, and the replacement revokes again.
  updateInPlace: [],
  operations: ({ env, clock, client, warn }) => asResourceOperations(createRevocationOperations({ env, clock, client, warn })),
  // Update is never reached (every change replaces) and calls nothing.
  updateMintsNothing: () => true,
});
