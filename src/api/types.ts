/**
 * What CCE answers, as plain interfaces. The public declarations of this package use these and
 * never the zod schemas that check them (schemas.ts): a user's `tsc` then reads no zod
 * declaration files, which fail under the tsconfig `pulumi new typescript` writes (no
 * `esModuleInterop`, no `skipLibCheck`). schemas.ts proves at compile time that each schema
 * yields exactly these shapes.
 *
 * Every object keeps the fields the API sent beyond these (an index signature), so a kubeconfig
 * repeats its entries exactly.
 */

/** A `clusters[].cluster` entry of a kubeconfig. */
export interface KubeconfigClusterFields {
  server: string;
  /** Base64 of the CA's PEM; absent on the `external` entry, which skips verification. */
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
  [field: string]: unknown;
}

export interface NamedKubeconfigCluster {
  name: string;
  cluster: KubeconfigClusterFields;
  [field: string]: unknown;
}

/** A `users[].user` entry: base64 of the client certificate's and key's PEM. */
export interface KubeconfigUserFields {
  "client-certificate-data": string;
  "client-key-data": string;
  [field: string]: unknown;
}

export interface NamedKubeconfigUser {
  name: string;
  user: KubeconfigUserFields;
  [field: string]: unknown;
}

export interface NamedKubeconfigContext {
  name: string;
  context: { cluster: string; user: string; [field: string]: unknown };
  [field: string]: unknown;
}

/** The Kubernetes v1.Config JSON that both clustercert calls answer. */
export interface ClusterCertResponse {
  kind?: string;
  apiVersion?: string;
  clusters: NamedKubeconfigCluster[];
  users: NamedKubeconfigUser[];
  contexts: NamedKubeconfigContext[];
  "current-context"?: string;
  [field: string]: unknown;
}

/** `GET .../clusters/{id}`: the fields this package reads. */
export interface ClusterShowResponse {
  metadata?: { uid?: string; name?: string; [field: string]: unknown };
  status?: {
    /** Available, Unavailable, Creating, Deleting, Upgrading, ... */
    phase?: string;
    /** `{url, type}`; an EIP-bound cluster lists a `type: "External"` entry. */
    endpoints?: Array<{ url?: string; type?: string; [field: string]: unknown }>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}
