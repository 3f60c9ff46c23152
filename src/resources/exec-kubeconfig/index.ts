/**
 * ExecKubeconfig: a kubeconfig whose user runs `cce-kubeconfig credential`, holding the cluster's
 * server and CA and no client credential. The operations are provider/exec-operations.ts, where
 * the serialized dynamic provider of existing stacks requires them by module path (exec-shim.ts).
 */
import { createExecOperations, EXEC_UPDATE_IN_PLACE } from "../../provider/exec-operations";
import { asResourceOperations, defineResource } from "../registry";
import { SCHEMA } from "./schema";

export const execKubeconfig = defineResource({
  name: "ExecKubeconfig",
  schema: SCHEMA,
  updateInPlace: EXEC_UPDATE_IN_PLACE,
  operations: ({ env, clock, warn }) => {
    const operations = createExecOperations({ env, clock, warn });
    return asResourceOperations(operations, (id, props) => operations.deleteKubeconfig(id, props));
  },
  // A new context names another of the cluster's addresses, which only a clustercert answer carries.
  updateMintsNothing: (olds, news) => olds["context"] === news["context"],
});
