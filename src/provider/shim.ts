/**
 * `clusterCertificateProvider`: what Pulumi serializes into each resource's `__provider`.
 *
 * It stays a thin shim on purpose. Closure serialization captures by value whatever the methods
 * reach, and zod schemas, undici agents or a credential read at construction either fail to
 * serialize or end up in state (pulumi/pulumi #5294, #15485). These methods reach the
 * implementation by package name at run time; the dynamic-provider host resolves it from the
 * program's `node_modules`.
 *
 * The `require` results are typed by a type-only import of the operations module: renaming one of
 * its exports fails to compile here, and the import is erased, so serialization captures nothing more.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as Operations from "./operations";

/** The module that implements the provider, by the name users install it under. */
const IMPLEMENTATION = "pulumi-cce-kubeconfig/provider/operations";

export const clusterCertificateProvider: dynamic.ResourceProvider = {
  async configure(req) {
    return (require(IMPLEMENTATION) as typeof Operations).configure(req);
  },
  async check(olds, news) {
    return (require(IMPLEMENTATION) as typeof Operations).check(olds, news);
  },
  async diff(id, olds, news) {
    return (require(IMPLEMENTATION) as typeof Operations).diff(id, olds, news);
  },
  async create(inputs) {
    return (require(IMPLEMENTATION) as typeof Operations).create(inputs);
  },
  async read(id, props) {
    return (require(IMPLEMENTATION) as typeof Operations).read(id, props);
  },
  async update(id, olds, news) {
    return (require(IMPLEMENTATION) as typeof Operations).update(id, olds, news);
  },
  async delete(id, props) {
    return (require(IMPLEMENTATION) as typeof Operations).deleteCertificate(id, props);
  },
};
