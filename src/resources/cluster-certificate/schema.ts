/**
 * ClusterCertificate's part of the package schema, built from the same facts the dynamic resource
 * uses: the input names of the validator (input-schema.ts) and the outputs the provider
 * stores and derives. test/package/schema.test.ts checks it against the TypeScript resource.
 */
import { CLUSTER_KINDS } from "../../constants";
import { CONTEXT_CHOICES } from "../../kubeconfig/render";
import { INPUT_NAMES, type InputField } from "./input-schema";
import { objectType, string, typeToken, type ObjectTypeSpec, type PropertySpec, type ResourceSchema } from "../registry";

const CONTEXT_TYPE = typeToken("KubeconfigContext");
const CLUSTER_TYPE = typeToken("KubeconfigCluster");

/** Each input's type and description; the keys must be exactly the validator's inputs (checked below). */
const INPUTS: Readonly<Record<InputField, PropertySpec>> = {
  clusterId: string("The cluster's UUID."),
  projectId: string("The project id. Default: the provider's projectId (cce-kubeconfig:projectId), then HW_PROJECT_ID, else the id IAM lists for the project name (cce-kubeconfig:projectName / HW_PROJECT_NAME) or the region."),
  endpoint: string("Full CCE base URL; overrides region and cloud (`http:` only for loopback addresses). Default: HW_CCE_ENDPOINT."),
  region: string("The region, such as ap-southeast-1. Default: the provider's region (cce-kubeconfig:region), then HW_REGION_NAME."),
  cloud: string(
    "The cloud's domain. Default: cce-kubeconfig:cloud, HW_CLOUD, else myhuaweicloud.com (myhuaweicloud.eu for eu-west-101). " +
      "Open Telekom Cloud: otc.t-systems.com.",
  ),
  duration: {
    type: "integer",
    description: "Validity in days, -1 for the maximum CCE allows; not together with expireAt. Default: 365.",
  },
  expireAt: string(
    "Absolute expiry, ISO 8601, at least 15 minutes ahead; not together with duration. A pinned expiry is never renewed: change it to get a new certificate.",
  ),
  renewBefore: {
    type: "number",
    description: "Days before expiry at which an update issues a new certificate; 0 turns renewal off. Default: 30, at most a third of a shorter duration.",
  },
  context: string(
    `The current-context of kubeconfig: one of ${CONTEXT_CHOICES.join(", ")}. auto takes the API's current-context but prefers externalTLSVerify over the insecure external. Default: auto.`,
  ),
  useLegacyGet: { type: "boolean", description: "Use the discarded GET .../clustercert (clouds that serve only that); takes no duration. Default: false." },
  clusterKind: string(
    `The cluster's family: ${CLUSTER_KINDS.join(" or ")} (cce: standard and Turbo clusters; autopilot: CCE Autopilot, duration only). Changing it replaces the certificate. Default: cce.`,
  ),
};

/** The outputs beyond the inputs; `secret` as the resource marks them. */
const OUTPUTS: Readonly<Record<string, PropertySpec>> = {
  kubeconfig: string("Kubeconfig YAML for a Kubernetes provider or kubectl; every cluster, user and context as the API returned them.", { secret: true }),
  server: string("API server URL of the current context.", { secret: true }),
  certificateAuthorityData: string("Base64 of the cluster CA's PEM.", { secret: true }),
  clientCertificateData: string("Base64 of the client certificate's PEM.", { secret: true }),
  clientKeyData: string("Base64 of the client key's PEM.", { secret: true }),
  contexts: { type: "array", items: { $ref: `#/types/${CONTEXT_TYPE}`, description: "A context." }, description: "Every context the API returned.", secret: true },
  clusters: { type: "array", items: { $ref: `#/types/${CLUSTER_TYPE}`, description: "A cluster." }, description: "Every cluster entry the API returned, as returned.", secret: true },
  currentContext: string("The context kubeconfig uses."),
  expiresAt: string("The client certificate's expiry (ISO 8601), read from the certificate itself."),
};

/** Outputs that are always set (inputs the check resolves, and what every certificate has). */
const ALWAYS_SET = ["clusterId", "projectId", "endpoint", "renewBefore", "context", "useLegacyGet", "clusterKind", ...Object.keys(OUTPUTS)];

/** The object types of the `contexts` and `clusters` outputs. */
export const TYPES: Readonly<Record<string, ObjectTypeSpec>> = {
  [CONTEXT_TYPE]: objectType(
    "A kubeconfig context.",
    { name: string("The context's name."), cluster: string("The cluster entry it uses."), user: string("The user entry it uses.") },
    ["name", "cluster", "user"],
  ),
  [CLUSTER_TYPE]: objectType(
    "A kubeconfig cluster entry.",
    {
      name: string("The entry's name."),
      server: string("The API server URL."),
      insecureSkipTlsVerify: { type: "boolean", description: "True for the external entry without TLS verification." },
      certificateAuthorityData: string("Base64 of the CA's PEM, when the entry verifies TLS."),
    },
    ["name", "server", "insecureSkipTlsVerify"],
  ),
};

const inputProperties = Object.fromEntries(INPUT_NAMES.map((name) => [name, INPUTS[name]]));

export const SCHEMA: ResourceSchema = {
  description:
    "A client certificate of a CCE cluster and the kubeconfig that uses it, as secret outputs. An update within renewBefore days of " +
    "expiry replaces it with a new one; pass clusterId as a Kubernetes provider's clusterIdentifier so that renewal updates that provider instead of replacing it.",
  inputProperties,
  requiredInputs: ["clusterId"],
  properties: { ...inputProperties, ...OUTPUTS },
  required: ALWAYS_SET,
};
