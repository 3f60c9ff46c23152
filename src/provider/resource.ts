/**
 * `ClusterCertificate`: Kubernetes credentials for a CCE cluster, as secret outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContextChoice } from "../kubeconfig/render";
import type { KubeconfigCluster, KubeconfigContext } from "../kubeconfig/entries";
import { storedKubeconfigEntries } from "../kubeconfig/stored";
import { SECRET_OUTPUTS } from "./outputs";
import * as clusterCertificateProvider from "./shim";

export interface ClusterCertificateArgs {
  /** The cluster's UUID. */
  clusterId: pulumi.Input<string>;
  /** @default stack config `huaweicloud:projectId`, then env `HW_PROJECT_ID` */
  projectId?: pulumi.Input<string>;
  /** @default stack config `huaweicloud:region`, then env `HW_REGION_NAME` */
  region?: pulumi.Input<string>;
  /** Cloud domain. @default `huaweicloud:cloud`, `HW_CLOUD`, else `myhuaweicloud.com` (`myhuaweicloud.eu` for eu-west-101) */
  cloud?: pulumi.Input<string>;
  /** Full CCE base URL; overrides region and cloud. `http:` only for loopback. @default env `HW_CCE_ENDPOINT` */
  endpoint?: pulumi.Input<string>;
  /** Validity in days, -1 for the maximum. Not with `expireAt`. @default 365 */
  duration?: pulumi.Input<number>;
  /** Absolute expiry, ISO 8601. Not with `duration`; a pinned expiry is never renewed. */
  expireAt?: pulumi.Input<string>;
  /** Days before expiry at which `pulumi up` issues a new certificate; 0 turns renewal off. @default 30, at most a third of `duration` */
  renewBefore?: pulumi.Input<number>;
  /** The current-context of `kubeconfig`. @default "auto" */
  context?: pulumi.Input<ContextChoice>;
  /** Use the discarded `GET .../clustercert` (clouds that serve only that). @default false */
  useLegacyGet?: pulumi.Input<boolean>;
  /**
   * The cluster's family: `cce` (standard and Turbo clusters, `/api/v3`) or `autopilot` (CCE
   * Autopilot, `/autopilot/v3`, which takes `duration` only). Changing it replaces the certificate.
   * @default "cce"
   */
  clusterKind?: pulumi.Input<"cce" | "autopilot">;
}

/** The Pulumi type token; state refers to it, so it never changes. */
const MODULE = "cce";
const TYPE = "ClusterCertificate";

/**
 * What `new k8s.Provider(name, args)` needs from a certificate: its secret kubeconfig, and the
 * cluster id as `clusterIdentifier`, so that renewal (a new kubeconfig) updates the provider
 * instead of replacing it and every object it manages (@pulumi/kubernetes 4.16 or later).
 */
export interface KubernetesProviderArgs {
  kubeconfig: pulumi.Output<string>;
  clusterIdentifier: pulumi.Output<string>;
}

export class ClusterCertificate extends pulumi.dynamic.Resource {
  /** Kubeconfig YAML for `new k8s.Provider(name, {kubeconfig})`. Secret. */
  declare public readonly kubeconfig: pulumi.Output<string>;
  /** API server URL of the current context. Secret. */
  public readonly server: pulumi.Output<string>;
  /** Base64 of the cluster CA's PEM. Secret. */
  public readonly certificateAuthorityData: pulumi.Output<string>;
  /** Base64 of the client certificate's PEM. Secret. */
  public readonly clientCertificateData: pulumi.Output<string>;
  /** Base64 of the client key's PEM. Secret. */
  public readonly clientKeyData: pulumi.Output<string>;
  /** Every context the API returned. Secret. */
  public readonly contexts: pulumi.Output<KubeconfigContext[]>;
  /** Every cluster entry the API returned, as returned. Secret. */
  public readonly clusters: pulumi.Output<KubeconfigCluster[]>;
  declare public readonly currentContext: pulumi.Output<string>;
  /** The client certificate's expiry (ISO 8601), read from the certificate itself. */
  declare public readonly expiresAt: pulumi.Output<string>;
  /** The cluster id, stable across renewals: pass it as `k8s.Provider`'s `clusterIdentifier`. */
  declare public readonly clusterId: pulumi.Output<string>;

  /**
   * `{ kubeconfig, clusterIdentifier }` for `new k8s.Provider("cce", cert.kubernetesProviderArgs())`;
   * spread it to add other provider options. `@pulumi/kubernetes` stays your own dependency.
   */
  kubernetesProviderArgs(): KubernetesProviderArgs {
    return { kubeconfig: this.kubeconfig, clusterIdentifier: this.clusterId };
  }

  constructor(name: string, args: ClusterCertificateArgs, opts: pulumi.CustomResourceOptions = {}) {
    const outputs = Object.fromEntries([...SECRET_OUTPUTS, "currentContext", "expiresAt"].map((key) => [key, undefined]));
    super(
      clusterCertificateProvider,
      name,
      { ...outputs, ...args },
      { ...opts, additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS])] },
      MODULE,
      TYPE,
    );
    // The provider stores each secret once, in the kubeconfig; these are read from it here, in the
    // program, and stay secret because the kubeconfig is (and unknown while it is, at a preview).
    const entries = this.kubeconfig.apply(storedKubeconfigEntries);
    this.server = entries.apply((e) => e.server);
    this.certificateAuthorityData = entries.apply((e) => e.certificateAuthorityData);
    this.clientCertificateData = entries.apply((e) => e.clientCertificateData);
    this.clientKeyData = entries.apply((e) => e.clientKeyData);
    this.contexts = entries.apply((e) => e.contexts);
    this.clusters = entries.apply((e) => e.clusters);
  }
}
