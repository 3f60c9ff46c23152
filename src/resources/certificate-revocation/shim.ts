/**
 * `certificateRevocationProvider`: what Pulumi serializes into each CertificateRevocation's
 * `__provider`, the pattern of provider/shim.ts: this module's exports object is the provider,
 * serialized as a `require` of `pulumi-cce-kubeconfig/resources/certificate-revocation/shim`, with
 * nothing captured by value, so no credential can reach state. The operations are required when
 * first called, and typed by a type-only import.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Operations from "./operations";

/** The module that implements the provider, by the name users install it under. */
const IMPLEMENTATION = "pulumi-cce-kubeconfig/resources/certificate-revocation/operations";
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
async function deleteRevocation(id: string, props: object): Promise<void> {
  return operations().delete(id, props);
}
export { deleteRevocation as delete };
