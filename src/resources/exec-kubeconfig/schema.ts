/**
 * ExecKubeconfig's part of the package schema: the inputs of provider/exec-inputs.ts (checked
 * against EXEC_INPUT_NAMES by test/package/schema.test.ts) and the outputs of
 * provider/exec-operations.ts, secret as EXEC_SECRET_OUTPUTS.
 */
import { CLUSTER_KINDS } from "../../constants";
import { CONTEXT_CHOICES } from "../../kubeconfig/render";
import { DEFAULT_EXEC_COMMAND, EXEC_INPUT_NAMES } from "../../provider/exec-inputs";
import { string, type PropertySpec, type ResourceSchema } from "../registry";

type ExecInput = (typeof EXEC_INPUT_NAMES)[number];

/** Each input's type and description; the keys must be exactly the validator's inputs. */
const INPUTS: Readonly<Record<ExecInput, PropertySpec>> = {
  clusterId: string("The cluster's UUID."),
  projectId: string(
    "The project id, written as --project-id. Default: the provider's projectId (cce-kubeconfig:projectId, written too), else HW_PROJECT_ID where the command runs.",
  ),
  region: string("The region, written as --region. Default: the provider's region (cce-kubeconfig:region, written too), else HW_REGION_NAME where the command runs."),
  cloud: string("The cloud's domain, written as --cloud. Default: cce-kubeconfig:cloud, HW_CLOUD, else myhuaweicloud.com (myhuaweicloud.eu for eu-west-101)."),
  endpoint: string("Full CCE base URL, written as --endpoint; overrides region and cloud (`http:` only for loopback addresses). Default: HW_CCE_ENDPOINT where the command runs."),
  clusterKind: string(`The cluster's family: ${CLUSTER_KINDS.join(" or ")}. Default: cce.`),
  context: string(`Which of CCE's contexts gives the server and CA: one of ${CONTEXT_CHOICES.join(", ")}. Default: auto.`),
  duration: { type: "integer", description: "Days of validity of each certificate the command mints, written as --duration; -1 for CCE's maximum. Exclusive with ttl. Default: the command's ttl of 1h." },
  ttl: string(
    "Life of each certificate the command mints, written as --ttl and sent to CCE as expire_at: a whole number with a unit m, h, d or y, from 15m to 5y. Exclusive with duration. Default: 1h.",
  ),
  command: string(
    `What the kubeconfig's exec runs, on the machine that runs kubectl or the Kubernetes provider: a name found on its PATH, or an absolute path. ` +
      `Default: ${DEFAULT_EXEC_COMMAND}, which npm install -g pulumi-cce-kubeconfig puts on PATH.`,
  ),
  contextName: string("The name of the kubeconfig's context, cluster and user. Default: cce-<clusterId>."),
};

/**
 * The outputs beyond the inputs, as the Node resource declares them (test/package/schema.test.ts);
 * never a client certificate or key. (State also keeps insecureSkipTlsVerify and the command's
 * flags, for diff and update.)
 */
const OUTPUTS: Readonly<Record<string, PropertySpec>> = {
  kubeconfig: string("Kubeconfig YAML whose user runs `<command> credential …`; it holds no client certificate or key.", { secret: true }),
  server: string("API server URL of the chosen context.", { secret: true }),
  certificateAuthorityData: string("Base64 of the cluster CA's PEM; empty for a context that skips TLS verification.", { secret: true }),
  currentContext: string("The kubeconfig's current-context (contextName)."),
};

const inputProperties = Object.fromEntries(EXEC_INPUT_NAMES.map((name) => [name, INPUTS[name]]));

export const SCHEMA: ResourceSchema = {
  description:
    "A kubeconfig for a CCE cluster whose user runs `cce-kubeconfig credential`, so that whoever uses it (kubectl, the Kubernetes provider) mints " +
    "its own short-lived client certificate with the credentials of its environment: no client certificate or key is ever in state. " +
    "pulumi up reads the cluster's server and CA with the credentials of its environment (not the provider's configuration).",
  inputProperties,
  requiredInputs: ["clusterId"],
  properties: { ...inputProperties, ...OUTPUTS },
  required: ["clusterId", "endpoint", "clusterKind", "context", "duration", "command", "contextName", ...Object.keys(OUTPUTS)],
};
