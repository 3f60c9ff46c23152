/**
 * `CertificateRevocation`: revokes every client certificate of one IAM user or agency on a CCE
 * cluster (CCE's clustercertrevoke), whoever holds it: every kubeconfig that identity ever
 * downloaded, other stacks' included. Certificates minted afterwards work. Create revokes once; a
 * change of any input, `triggers` included, revokes again; destroy revokes nothing (a revoke cannot
 * be undone). README, "When a credential leaks".
 */
import * as pulumi from "@pulumi/pulumi";
import * as certificateRevocationProvider from "./shim";

export interface CertificateRevocationArgs {
  /** The cluster's UUID. */
  clusterId: pulumi.Input<string>;
  /** The IAM user whose certificates die: the CN of their certificates. Exactly one of userId and agencyId. */
  userId?: pulumi.Input<string>;
  /** The agency whose certificates die (those minted while it was assumed). Exactly one of userId and agencyId. */
  agencyId?: pulumi.Input<string>;
  /** Any values; a change of them revokes again (the resource is replaced). */
  triggers?: pulumi.Input<unknown[]>;
  /** @default stack config `huaweicloud:projectId`, env `HW_PROJECT_ID`, else looked up by region */
  projectId?: pulumi.Input<string>;
  /** @default `huaweicloud:region`, `HW_REGION_NAME` */
  region?: pulumi.Input<string>;
  /** Cloud domain. @default `huaweicloud:cloud`, `HW_CLOUD`, else `myhuaweicloud.com` */
  cloud?: pulumi.Input<string>;
  /** Full CCE base URL; overrides region and cloud. @default env `HW_CCE_ENDPOINT` */
  endpoint?: pulumi.Input<string>;
  /** Only `cce`: Autopilot clusters document no revoke call and are refused. @default "cce" */
  clusterKind?: pulumi.Input<"cce" | "autopilot">;
}

/** The Pulumi type token; state refers to it, so it never changes. */
const MODULE = "cce";
const TYPE = "CertificateRevocation";

export class CertificateRevocation extends pulumi.dynamic.Resource {
  /** When CCE accepted the revoke (ISO 8601): the identity's certificates issued before it are dead. */
  declare public readonly revokedAt: pulumi.Output<string>;
  declare public readonly clusterId: pulumi.Output<string>;
  declare public readonly userId: pulumi.Output<string | undefined>;
  declare public readonly agencyId: pulumi.Output<string | undefined>;

  constructor(name: string, args: CertificateRevocationArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(certificateRevocationProvider, name, { revokedAt: undefined, requestId: undefined, ...args }, opts, MODULE, TYPE);
  }
}
