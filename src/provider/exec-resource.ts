/**
 * `ExecKubeconfig`: a kubeconfig for a CCE cluster whose user runs `cce-kubeconfig credential`, so
 * whoever uses it (kubectl, the Kubernetes provider) mints its own short-lived client certificate
 * and no certificate or key is ever in state (docs/exec-kubeconfig.md).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ContextChoice } from "../kubeconfig/context";
import { EXEC_SECRET_OUTPUTS } from "./exec-operations";
import * as execKubeconfigProvider from "./exec-shim";
import type { KubernetesProviderArgs } from "./resource";

export interface ExecKubeconfigArgs {
  /** The cluster's UUID. */
  clusterId: pulumi.Input<string>;
  /** Written as `--project-id`. @default stack config `huaweicloud:projectId` (written too), else env `HW_PROJECT_ID` where the command runs */
  projectId?: pulumi.Input<string>;
  /** Written as `--region`. @default stack config `huaweicloud:region` (written too), else env `HW_REGION_NAME` where the command runs */
  region?: pulumi.Input<string>;
  /** Cloud domain, written as `--cloud`. @default `huaweicloud:cloud`, `HW_CLOUD`, else `myhuaweicloud.com` (`myhuaweicloud.eu` for eu-west-101) */
  cloud?: pulumi.Input<string>;
  /** Full CCE base URL, written as `--endpoint`; overrides region and cloud. `http:` only for loopback. @default env `HW_CCE_ENDPOINT` */
  endpoint?: pulumi.Input<string>;
  /** `cce` (standard and Turbo clusters) or `autopilot`. @default "cce" */
  clusterKind?: pulumi.Input<"cce" | "autopilot">;
  /** Which of CCE's contexts gives the server and CA, as for ClusterCertificate. @default "auto" */
  context?: pulumi.Input<ContextChoice>;
  /** Days of validity of each certificate the command mints, written as `--duration`; -1 for CCE's maximum. Exclusive with `ttl`. */
  duration?: pulumi.Input<number>;
  /**
   * Life of each certificate the command mints, written as `--ttl` (sent to CCE as `expire_at`):
   * `15m` to `5y`, units m, h, d, y. Exclusive with `duration`. @default the command's, "1h"
   */
  ttl?: pulumi.Input<string>;
  /**
   * What the kubeconfig's exec runs: a name found on PATH of whatever runs the kubeconfig, or an
   * absolute path (`execCommandPath()` gives this package's, on the machine that runs `pulumi up`).
   * @default "cce-kubeconfig"
   */
  command?: pulumi.Input<string>;
  /** The name of the kubeconfig's context, cluster and user. @default `cce-<clusterId>` */
  contextName?: pulumi.Input<string>;
}

/** The Pulumi type token; state refers to it, so it never changes. */
const MODULE = "cce";
const TYPE = "ExecKubeconfig";

export class ExecKubeconfig extends pulumi.dynamic.Resource {
  /** Kubeconfig YAML whose user runs `cce-kubeconfig credential …`; it holds no client certificate or key. Secret. */
  declare public readonly kubeconfig: pulumi.Output<string>;
  /** API server URL of the chosen context. Secret. */
  declare public readonly server: pulumi.Output<string>;
  /** Base64 of the cluster CA's PEM; "" for a context that skips TLS verification. Secret. */
  declare public readonly certificateAuthorityData: pulumi.Output<string>;
  /** The kubeconfig's current-context (`contextName`). */
  declare public readonly currentContext: pulumi.Output<string>;
  /** The cluster id: pass it as `k8s.Provider`'s `clusterIdentifier`. */
  declare public readonly clusterId: pulumi.Output<string>;

  /**
   * `{ kubeconfig, clusterIdentifier }` for `new k8s.Provider("cce", exec.kubernetesProviderArgs())`;
   * spread it to add other provider options. `@pulumi/kubernetes` stays your own dependency.
   */
  kubernetesProviderArgs(): KubernetesProviderArgs {
    return { kubeconfig: this.kubeconfig, clusterIdentifier: this.clusterId };
  }

  constructor(name: string, args: ExecKubeconfigArgs, opts: pulumi.CustomResourceOptions = {}) {
    const outputs = Object.fromEntries([...EXEC_SECRET_OUTPUTS, "currentContext"].map((key) => [key, undefined]));
    super(
      execKubeconfigProvider,
      name,
      { ...outputs, ...args },
      { ...opts, additionalSecretOutputs: [...new Set([...(opts.additionalSecretOutputs ?? []), ...EXEC_SECRET_OUTPUTS])] },
      MODULE,
      TYPE,
    );
  }
}
