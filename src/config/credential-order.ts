/**
 * The credential chain's order, in one place: resolveAuthSettings follows it, the conflict
 * warning and the no-credentials error quote it, and the README's table is rendered from it (a
 * test compares them). Each setting comes from explicit stack config, then its environment
 * variable; an agency, when set, is assumed on top of whichever source is used.
 */

/** One source of the chain, as users name it, and the settings that make it complete (config keys without namespace). */
export interface OrderedSource {
  /** How the warning and the table name it. */
  method: string;
  /** Config keys (without `huaweicloud:`) and environment variables that make it complete. */
  config: string;
  env: string;
  note: string;
}

export const CREDENTIAL_ORDER: readonly OrderedSource[] = [
  {
    method: "a KooCLI profile you name",
    config: "`profile` and/or `sharedConfigFile`",
    env: "`HW_PROFILE` and/or `HW_SHARED_CONFIG_FILE`",
    note: "its keys (or `ssoAuth.stsToken`) win over keys set anywhere else, as in the Terraform provider; default file `~/.hcloud/config.json`, profile `current`",
  },
  {
    method: "OIDC federation",
    config: "`assumeRoleIdpId` + `assumeRoleIdTokenFile` (or `assumeRoleIdToken`)",
    env: "`HW_ASSUME_ROLE_IDP_ID` + `HW_ASSUME_ROLE_ID_TOKEN_FILE` (or `HW_ASSUME_ROLE_ID_TOKEN`)",
    note: "keyless CI: the ID token (the file read at each exchange) is exchanged at IAM for a federated token scoped to the project, then temporary keys for an hour, exchanged again 5 minutes before they expire",
  },
  { method: "an IAM token", config: "`token`", env: "`HW_AUTH_TOKEN`", note: "sent as `X-Auth-Token`" },
  {
    method: "an access key pair",
    config: "`accessKey` + `secretKey` (+ `securityToken`)",
    env: "`HW_ACCESS_KEY` + `HW_SECRET_KEY` (+ `HW_SECURITY_TOKEN`)",
    note: "from one source only: a key from config never signs with a secret from the environment",
  },
  {
    method: "a password sign-in",
    config: "`password` + `userName` + `domainName` (or `domainId`), or + `userId`",
    env: "`HW_USER_PASSWORD` + `HW_USER_NAME` + `HW_DOMAIN_NAME` (or `HW_DOMAIN_ID`), or + `HW_USER_ID`",
    note: "IAM users only; a project-scoped token kept in memory",
  },
  {
    method: "CCE pod identity",
    config: "(none: the pod's environment)",
    env: "`HC_CONTAINER_CREDENTIALS_FULL_URI` + `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`",
    note: "inside a CCE pod (the Pulumi Kubernetes Operator's stacks): temporary keys for the pod's service account, the token file read at each fetch, fetched again 5 minutes before `expires_at`",
  },
  {
    method: "ECS instance metadata",
    config: "(none: used when nothing above is set)",
    env: "`HW_ECS_METADATA_URL` moves it, for tests (loopback only)",
    note: "the instance agency's temporary keys from `http://169.254.169.254/openstack/latest/securitykey` (with the metadata token step, or without it), 3 s per request, fetched again 5 minutes before `expires_at`",
  },
];

/** `a KooCLI profile you name, then an IAM token, then ...`: the order as the warning quotes it. */
export const orderText = (): string => CREDENTIAL_ORDER.map((s) => s.method).join(", then ");

/** The README's table of the order (config keys in the dynamic provider's namespace). */
export function credentialOrderTable(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const config = (keys: string) => keys.replace(/`([a-z][a-zA-Z]+)`/g, "`huaweicloud:$1`");
  const rows = CREDENTIAL_ORDER.map((s, i) => `| ${i + 1} | ${cell(s.method)} | ${cell(config(s.config))} | ${cell(s.env)} | ${cell(s.note)} |`);
  return ["| # | method | stack config | environment | notes |", "|---|---|---|---|---|", ...rows, "| + | an agency, on top of any of them | `huaweicloud:assumeRole` | `HW_ASSUME_ROLE_AGENCY_NAME` + `HW_ASSUME_ROLE_DOMAIN_NAME` (or `_DOMAIN_ID`) | its temporary keys sign the CCE calls |"].join("\n");
}
