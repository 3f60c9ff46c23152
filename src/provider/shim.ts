/**
 * `clusterCertificateProvider`: what Pulumi serializes into each resource's `__provider`.
 *
 * This module's exports object is the provider. Closure serialization writes a module that lives
 * under node_modules as a `require` of it (mapped back through the package's `exports`), so what
 * each resource stores is about 300 characters that require `pulumi-cce-kubeconfig/provider/shim`,
 * and the dynamic-provider host loads the package installed beside the program at run time: a
 * package upgrade upgrades `read` and `delete` of existing stacks too (pulumi/pulumi #6490).
 * Nothing here is captured by value, so no schema, agent or credential can reach state
 * (pulumi/pulumi #5294, #15485); the state per certificate is smaller too (issue #9: the object
 * literal this replaced serialized to 2,832 characters, stored in inputs and outputs).
 *
 * The operations are required when first called, and typed by a type-only import (erased at
 * compile time): renaming an export of operations.ts fails to compile here.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Operations from "./operations";

/** The module that implements the provider, by the name users install it under. */
const IMPLEMENTATION = "pulumi-cce-kubeconfig/provider/operations";
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
async function deleteCertificate(id: string, props: object): Promise<void> {
  return operations().deleteCertificate(id, props);
}
export { deleteCertificate as delete };
