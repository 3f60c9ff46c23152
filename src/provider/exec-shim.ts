/**
 * `execKubeconfigProvider`: what Pulumi serializes into each ExecKubeconfig's `__provider`, the
 * same pattern as shim.ts: this module's exports object is the provider, serialized as a `require`
 * of `pulumi-cce-kubeconfig/provider/exec-shim` (the package's `./*` export), with nothing captured
 * by value, so no credential can reach state. The operations are required when first called, and
 * typed by a type-only import: renaming an export of exec-operations.ts fails to compile here.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Operations from "./exec-operations";

/** The module that implements the provider, by the name users install it under. */
const IMPLEMENTATION = "pulumi-cce-kubeconfig/provider/exec-operations";
const operations = () => require(IMPLEMENTATION) as typeof Operations;

export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
  return operations().configure(req);
}
export async function check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<dynamic.CheckResult> {
  return operations().check(olds, news);
}
export async function diff(id: string, olds: Parameters<typeof Operations.diff>[1], news: Parameters<typeof Operations.diff>[2]): Promise<dynamic.DiffResult> {
  return operations().diff(id, olds, news);
}
export async function create(inputs: Parameters<typeof Operations.create>[0]): Promise<dynamic.CreateResult> {
  return operations().create(inputs);
}
export async function read(id: string, props: Record<string, unknown>): Promise<dynamic.ReadResult> {
  return operations().read(id, props);
}
export async function update(id: string, olds: Parameters<typeof Operations.update>[1], news: Parameters<typeof Operations.update>[2]): Promise<dynamic.UpdateResult> {
  return operations().update(id, olds, news);
}
async function deleteKubeconfig(id: string, props: object): Promise<void> {
  return operations().deleteKubeconfig(id, props);
}
export { deleteKubeconfig as delete };
