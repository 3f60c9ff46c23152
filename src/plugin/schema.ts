/**
 * The Pulumi package schema of the provider plugin, built from the same facts the dynamic
 * resource uses: the input names of the validator (provider/input-schema.ts), the settings that
 * have a config key (config/settings.ts) and the outputs the provider stores. `schema.json` at the
 * repository root is this object, written by `npm run gen-schema`; the SDKs are generated from it
 * (scripts/gen-sdk.sh), and a test fails when it, this module or the TypeScript resource disagree.
 */
import { CLUSTER_KINDS, PLUGIN_DOWNLOAD_URL, REPOSITORY_URL } from "../constants";
import { CONFIG_SETTINGS, PLUGIN_CONFIG_NAMESPACE, type SettingName } from "../config/settings";
import { CONTEXT_CHOICES } from "../kubeconfig/render";
import { INPUT_NAMES, type InputField } from "../provider/input-schema";

/** The Pulumi package name; state and programs hold it, so it never changes. */
export const PACKAGE_NAME = PLUGIN_CONFIG_NAMESPACE;
/** The resource's type token; state holds it, so it never changes. */
export const CLUSTER_CERTIFICATE_TYPE = `${PACKAGE_NAME}:index:ClusterCertificate`;
const CONTEXT_TYPE = `${PACKAGE_NAME}:index:KubeconfigContext`;
const CLUSTER_TYPE = `${PACKAGE_NAME}:index:KubeconfigCluster`;
const ASSUME_ROLE_TYPE = `${PACKAGE_NAME}:index:AssumeRole`;

/** The Go module of the generated Go SDK (sdk/go), and the package inside it. */
export const GO_MODULE = "github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/sdk/go";
export const GO_IMPORT_BASE_PATH = `${GO_MODULE}/ccekubeconfig`;
/** The Python distribution and module. */
export const PYTHON_PACKAGE = "pulumi_cce_kubeconfig";

export interface PropertySpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  items?: PropertySpec;
  $ref?: string;
  description: string;
  secret?: boolean;
  default?: string | number | boolean;
}

const string = (description: string, extra: Partial<PropertySpec> = {}): PropertySpec => ({ type: "string", description, ...extra });

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

/** The provider's settings: every setting with a config key, plus the agency (an object). */
const SECRET_SETTINGS: ReadonlySet<SettingName> = new Set(["accessKey", "secretKey", "securityToken", "token", "password", "assumeRoleIdToken"]);
const SETTING_DESCRIPTIONS: Readonly<Record<string, string>> = {
  projectId: "The project id; env HW_PROJECT_ID. Default: looked up at IAM from projectName, else the region.",
  projectName: "The IAM project name whose id is looked up when no projectId is set (a sub-project, {region}_{suffix}); env HW_PROJECT_NAME. Default: the region.",
  region: "The region, such as ap-southeast-1; env HW_REGION_NAME.",
  cloud: "The cloud's domain (myhuaweicloud.com, myhuaweicloud.eu, otc.t-systems.com, ...); env HW_CLOUD.",
  accessKey: "The access key id; env HW_ACCESS_KEY.",
  secretKey: "The secret access key; env HW_SECRET_KEY.",
  securityToken: "The security token of temporary keys; env HW_SECURITY_TOKEN.",
  token: "An IAM token (X-Auth-Token); env HW_AUTH_TOKEN. authToken is the same setting.",
  userName: "The IAM user of a password sign-in; env HW_USER_NAME.",
  userId: "The IAM user id of a password sign-in; env HW_USER_ID.",
  password: "The password of a password sign-in; env HW_USER_PASSWORD.",
  domainName: "The account (domain) name of a password sign-in; env HW_DOMAIN_NAME.",
  domainId: "The account (domain) id of a password sign-in; env HW_DOMAIN_ID.",
  authUrl: "The IAM URL (https://iam.{region}.{cloud}/v3 by default); env HW_AUTH_URL.",
  sharedConfigFile: "A KooCLI config file whose profile supplies the keys; env HW_SHARED_CONFIG_FILE. Default: ~/.hcloud/config.json when profile is set.",
  profile: "The KooCLI profile that supplies the keys, over keys set elsewhere; env HW_PROFILE. Default: the file's current profile when sharedConfigFile is set.",
  assumeRoleIdpId: "OIDC federation: the IAM identity provider that trusts the CI's ID tokens; env HW_ASSUME_ROLE_IDP_ID.",
  assumeRoleIdToken: "OIDC federation: the ID token itself; env HW_ASSUME_ROLE_ID_TOKEN. Prefer assumeRoleIdTokenFile.",
  assumeRoleIdTokenFile: "OIDC federation: the file the CI writes its ID token to, read at each exchange; env HW_ASSUME_ROLE_ID_TOKEN_FILE.",
  maxRetries: "Retries of a throttled or failed call; env HW_MAX_RETRIES. Default: 5.",
};
/** The issue named the token setting authToken (after HW_AUTH_TOKEN); both names are accepted. */
export const TOKEN_ALIAS = "authToken";

function settingSpec(name: string): PropertySpec {
  const description = SETTING_DESCRIPTIONS[name];
  if (description === undefined) throw new Error(`no description for the setting ${name}`);
  const spec: PropertySpec = name === "maxRetries" ? { type: "integer", description } : string(description);
  if (SECRET_SETTINGS.has(name as SettingName)) spec.secret = true;
  return spec;
}

/** The provider's configuration: `cce-kubeconfig:<name>` in stack config, or an explicit provider's arguments. */
export function configVariables(): Record<string, PropertySpec> {
  const variables: Record<string, PropertySpec> = {};
  for (const name of CONFIG_SETTINGS) variables[name] = settingSpec(name);
  variables[TOKEN_ALIAS] = { ...settingSpec("token"), description: "The same as token: an IAM token; env HW_AUTH_TOKEN." };
  variables["assumeRole"] = { $ref: `#/types/${ASSUME_ROLE_TYPE}`, description: "An agency to assume with the credentials; env HW_ASSUME_ROLE_AGENCY_NAME, HW_ASSUME_ROLE_DOMAIN_NAME, HW_ASSUME_ROLE_DOMAIN_ID." };
  return variables;
}

/** Names of the config variables that hold credentials. */
export const SECRET_CONFIG = Object.entries(configVariables())
  .filter(([, spec]) => spec.secret === true)
  .map(([name]) => name);

const objectType = (description: string, properties: Record<string, PropertySpec>, required: string[]) => ({ type: "object", description, properties, required });

export function packageSchema(version: string) {
  const inputProperties = Object.fromEntries(INPUT_NAMES.map((name) => [name, INPUTS[name]]));
  const config = configVariables();
  return {
    name: PACKAGE_NAME,
    displayName: "CCE kubeconfig",
    version,
    description: "Kubernetes credentials for Huawei Cloud CCE clusters: secret kubeconfig outputs, renewed before they expire.",
    keywords: ["pulumi", "huaweicloud", "cce", "kubernetes", "kubeconfig", "category/cloud", "kind/native"],
    homepage: "https://www.npmjs.com/package/pulumi-cce-kubeconfig",
    repository: REPOSITORY_URL,
    license: "Apache-2.0",
    publisher: "pulumi-cce-kubeconfig",
    logoUrl: `${REPOSITORY_URL}/raw/main/docs/logo.svg`,
    // The engine installs the plugin from the project's releases, for the machine it runs on.
    pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
    config: { variables: config },
    provider: { description: "The cce-kubeconfig provider: where and as whom to mint certificates.", inputProperties: config },
    types: {
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
      [ASSUME_ROLE_TYPE]: objectType(
        "An agency to assume.",
        {
          agencyName: string("The agency's name."),
          domainName: string("The account that owns the agency, by name."),
          domainId: string("The account that owns the agency, by id."),
        },
        ["agencyName"],
      ),
    },
    resources: {
      [CLUSTER_CERTIFICATE_TYPE]: {
        description:
          "A client certificate of a CCE cluster and the kubeconfig that uses it, as secret outputs. An update within renewBefore days of " +
          "expiry replaces it with a new one; pass clusterId as a Kubernetes provider's clusterIdentifier so that renewal updates that provider instead of replacing it.",
        inputProperties,
        requiredInputs: ["clusterId"],
        properties: { ...inputProperties, ...OUTPUTS },
        required: ALWAYS_SET,
      },
    },
    language: {
      python: { packageName: PYTHON_PACKAGE, respectSchemaVersion: true, requires: { pulumi: ">=3.248.0,<4.0.0" }, pyproject: { enabled: true } },
      go: { importBasePath: GO_IMPORT_BASE_PATH, respectSchemaVersion: true, generateResourceContainerTypes: true },
    },
  };
}

export type PackageSchema = ReturnType<typeof packageSchema>;
