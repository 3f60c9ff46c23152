/**
 * ExecKubeconfig: a kubeconfig whose user runs `cce-kubeconfig credential`, holding the cluster's
 * server and CA and no client credential. The operations are provider/exec-operations.ts, where
 * the serialized dynamic provider of existing stacks requires them by module path (exec-shim.ts).
 */
import { createExecOperations, EXEC_UPDATE_IN_PLACE, type ExecOperations } from "../../provider/exec-operations";
import { defineResource, type ResourceOperations } from "../registry";
import { SCHEMA } from "./schema";

/** The provider's operations under the registry's names, with property bags. */
function asResourceOperations(operations: ExecOperations): ResourceOperations {
  return {
    configure: (req) => operations.configure(req),
    check: (olds, news) => operations.check(olds, news) as ReturnType<ResourceOperations["check"]>,
    diff: (id, olds, news) => operations.diff(id, olds, news as never),
    create: (inputs) => operations.create(inputs as never),
    read: (id, props) => operations.read(id, props),
    update: (id, olds, news) => operations.update(id, olds as never, news as never),
    delete: (id, props) => operations.deleteKubeconfig(id, props),
  };
}

export const execKubeconfig = defineResource({
  name: "ExecKubeconfig",
  schema: SCHEMA,
  updateInPlace: EXEC_UPDATE_IN_PLACE,
  operations: ({ env, clock, warn }) => asResourceOperations(createExecOperations({ env, clock, warn })),
  // A new context names another of the cluster's addresses, which only a clustercert answer carries.
  updateMintsNothing: (olds, news) => olds["context"] === news["context"],
});
