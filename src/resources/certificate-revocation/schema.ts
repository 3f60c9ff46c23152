/**
 * The CertificateRevocation resource's fragment of the plugin's Pulumi package schema
 * (`resources["cce-kubeconfig:index:CertificateRevocation"]`), kept beside the resource so its
 * inputs and this list cannot drift apart (the keys are checked against REVOCATION_INPUT_NAMES by
 * type). The registry entry (index.ts) carries it into the plugin's schema.json; the SDKs are generated from that.
 */
import { string, typeToken, type PropertySpec, type ResourceSchema } from "../registry";
import type { REVOCATION_INPUT_NAMES } from "./inputs";

/** The resource's type token; state holds it, so it never changes. */
export const CERTIFICATE_REVOCATION_TYPE = typeToken("CertificateRevocation");

const INPUTS: Readonly<Record<(typeof REVOCATION_INPUT_NAMES)[number], PropertySpec>> = {
  clusterId: string("The cluster's UUID."),
  projectId: string("The project id. Default: the provider's projectId, then HW_PROJECT_ID, else the id IAM lists for the region's project."),
  region: string("The region, such as ap-southeast-1. Default: the provider's region, then HW_REGION_NAME."),
  cloud: string("The cloud's domain. Default: cce-kubeconfig:cloud, HW_CLOUD, else myhuaweicloud.com (myhuaweicloud.eu for eu-west-101)."),
  endpoint: string("Full CCE base URL; overrides region and cloud (`http:` only for loopback addresses). Default: HW_CCE_ENDPOINT."),
  clusterKind: string("cce (standard and Turbo clusters). autopilot is refused: Autopilot documents no revoke call. Default: cce."),
  userId: string(
    "The IAM user whose certificates on this cluster all stop working, whoever holds them (the CN of their certificates). Exactly one of userId and agencyId. A plain IAM user may name only itself; an administrator anyone.",
  ),
  agencyId: string("The agency whose certificates on this cluster all stop working. Exactly one of userId and agencyId."),
  triggers: {
    type: "array",
    items: { $ref: "pulumi.json#/Any" },
    description: "Any values; when they change, the resource is replaced and the identity's certificates are revoked again.",
  },
};

/** `resources[CERTIFICATE_REVOCATION_TYPE]` of the package schema. */
export const CERTIFICATE_REVOCATION_SCHEMA: ResourceSchema = {
  description:
    "Revokes every client certificate of one IAM user or agency on a CCE cluster (clustercertrevoke): every kubeconfig that identity " +
    "ever downloaded, other stacks' included; certificates minted afterwards work. Create revokes once; a change of any input " +
    "(triggers included) revokes again; refresh and preview call nothing; destroy revokes nothing, because a revoke cannot be undone.",
  inputProperties: INPUTS,
  requiredInputs: ["clusterId"],
  properties: {
    ...INPUTS,
    revokedAt: string("When CCE accepted the revoke (ISO 8601): the identity's certificates issued before it no longer authenticate."),
    requestId: string("CCE's request id of the revoke."),
  },
  required: ["clusterId", "endpoint", "revokedAt"],
};
