/**
 * The Pulumi package schema of the provider plugin: the provider's configuration (the settings
 * that have a config key, config/settings.ts) and every resource of the registry (src/resources/),
 * each with its own schema fragment. `schema.json` at the repository root is this object, written
 * by `npm run gen-schema`; the SDKs are generated from it (scripts/gen-sdk.sh), and a test fails
 * when it, this module or the TypeScript resources disagree.
 */
import { PLUGIN_DOWNLOAD_URL, REPOSITORY_URL } from "../constants";
import { CONFIG_SETTINGS, type SettingName } from "../config/settings";
import { RESOURCES, clusterCertificate } from "../resources";
import { objectType, PACKAGE_NAME, string, typeToken, type PropertySpec } from "../resources/registry";

export { PACKAGE_NAME };
export type { PropertySpec };
/** The resource's type token; state holds it, so it never changes. */
export const CLUSTER_CERTIFICATE_TYPE = clusterCertificate.type;
const ASSUME_ROLE_TYPE = typeToken("AssumeRole");

/** The Go module of the generated Go SDK (sdk/go), and the package inside it. */
export const GO_MODULE = "github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/sdk/go";
export const GO_IMPORT_BASE_PATH = `${GO_MODULE}/ccekubeconfig`;
/** The Python distribution and module. */
export const PYTHON_PACKAGE = "pulumi_cce_kubeconfig";

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

export function packageSchema(version: string) {
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
      ...Object.fromEntries(RESOURCES.flatMap((resource) => Object.entries(resource.types ?? {}))),
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
    resources: Object.fromEntries(RESOURCES.map((resource) => [resource.type, resource.schema])),
    language: {
      python: { packageName: PYTHON_PACKAGE, respectSchemaVersion: true, requires: { pulumi: ">=3.248.0,<4.0.0" }, pyproject: { enabled: true } },
      go: { importBasePath: GO_IMPORT_BASE_PATH, respectSchemaVersion: true, generateResourceContainerTypes: true },
    },
  };
}

export type PackageSchema = ReturnType<typeof packageSchema>;
