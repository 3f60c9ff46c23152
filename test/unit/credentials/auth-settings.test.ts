/**
 * The credentials chain as a table: which method wins (the huaweicloud Terraform provider's order:
 * token, then access key pair, then password), which ones are named as ignored, the errors of an
 * incomplete method, the agency settings, and the warning a user sees for a conflict.
 */
import { CredentialsError } from "../../../src/errors";
import { resolveAuthSettings, type AuthSettings } from "../../../src/credentials";
import { conflictWarning } from "../../../src/provider/operations";
import { renewalTime } from "../../../src/credentials";
import { IAM_RENEW_LEAD_MS, MINUTE_MS, HOUR_MS } from "../../../src/constants";
import { parseErrorBody } from "../../../src/api/error-body";
import { stackConfig } from "../../helpers/stack-config";

const TOKEN = "token-value-0000";
const AK = "AKVALUE000000";
const SK = "SKvalue-secret-0000";
const PASSWORD = "password-value-0000";
const ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvIn0.c2lnbmF0dXJl";
const USER = { "huaweicloud:userName": "deployer", "huaweicloud:password": PASSWORD, "huaweicloud:domainName": "acme" };

/** A summary of what won and what was ignored, without values. */
function chosen(config: Record<string, string>, env: Record<string, string> = {}) {
  const s = resolveAuthSettings(stackConfig(config), env);
  return { method: s.method.kind, from: s.method.from, ignored: s.ignored };
}

describe("which method is used", () => {
  test.each<[string, Record<string, string>, Record<string, string>, ReturnType<typeof chosen>]>([
    ["a token alone", { "huaweicloud:token": TOKEN }, {}, { method: "token", from: "huaweicloud:token", ignored: [] }],
    ["a key pair alone", { "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK }, {}, { method: "aksk", from: "huaweicloud:accessKey + huaweicloud:secretKey", ignored: [] }],
    ["a user name, password and account alone", USER, {}, { method: "password", from: "huaweicloud:password + huaweicloud:userName", ignored: [] }],
    [
      "a token beats a key pair (changed in this release: a key pair used to win)",
      { "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK },
      { HW_AUTH_TOKEN: TOKEN },
      { method: "token", from: "HW_AUTH_TOKEN", ignored: ["an access key pair (huaweicloud:accessKey + huaweicloud:secretKey)"] },
    ],
    [
      "a key pair beats a password",
      USER,
      { HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK },
      { method: "aksk", from: "HW_ACCESS_KEY + HW_SECRET_KEY", ignored: ["a password sign-in (huaweicloud:password + huaweicloud:userName)"] },
    ],
    [
      "all three: the token, and both others named",
      { ...USER, "huaweicloud:token": TOKEN, "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK },
      {},
      {
        method: "token",
        from: "huaweicloud:token",
        ignored: ["an access key pair (huaweicloud:accessKey + huaweicloud:secretKey)", "a password sign-in (huaweicloud:password + huaweicloud:userName)"],
      },
    ],
    ["a password from env with the user from config", { "huaweicloud:userName": "deployer", "huaweicloud:domainName": "acme" }, { HW_USER_PASSWORD: PASSWORD }, { method: "password", from: "HW_USER_PASSWORD + huaweicloud:userName", ignored: [] }],
    ["a user id needs no account", {}, { HW_USER_ID: "0123abcd", HW_USER_PASSWORD: PASSWORD }, { method: "password", from: "HW_USER_PASSWORD + HW_USER_ID", ignored: [] }],
    ["a half key pair is no method: the password is used", { ...USER, "huaweicloud:accessKey": AK }, {}, { method: "password", from: "huaweicloud:password + huaweicloud:userName", ignored: [] }],
    [
      "OIDC federation by stack config: the identity provider and the ID token file",
      { "huaweicloud:assumeRoleIdpId": "github", "huaweicloud:assumeRoleIdTokenFile": "/run/id-token" },
      {},
      { method: "oidc", from: "huaweicloud:assumeRoleIdpId + huaweicloud:assumeRoleIdTokenFile", ignored: [] },
    ],
    [
      "OIDC federation beats keys left in the environment (the Terraform provider's order)",
      {},
      { HW_ASSUME_ROLE_IDP_ID: "github", HW_ASSUME_ROLE_ID_TOKEN: ID_TOKEN, HW_ACCESS_KEY: AK, HW_SECRET_KEY: SK },
      { method: "oidc", from: "HW_ASSUME_ROLE_IDP_ID + HW_ASSUME_ROLE_ID_TOKEN", ignored: ["an access key pair (HW_ACCESS_KEY + HW_SECRET_KEY)"] },
    ],
    [
      "an ID token value beats an ID token file",
      {},
      { HW_ASSUME_ROLE_IDP_ID: "github", HW_ASSUME_ROLE_ID_TOKEN: ID_TOKEN, HW_ASSUME_ROLE_ID_TOKEN_FILE: "/run/id-token" },
      { method: "oidc", from: "HW_ASSUME_ROLE_IDP_ID + HW_ASSUME_ROLE_ID_TOKEN", ignored: [] },
    ],
    ["a key pair is taken from one source only: config key + env secret is none", { "huaweicloud:accessKey": AK, "huaweicloud:token": TOKEN }, { HW_SECRET_KEY: SK }, { method: "token", from: "huaweicloud:token", ignored: [] }],
  ])("%s", (_name, config, env, expected) => {
    expect(chosen(config, env)).toEqual(expected);
  });

  test("a user id is sent instead of a user name when both are set", () => {
    const s = resolveAuthSettings(stackConfig({ ...USER, "huaweicloud:userId": "0123abcd" }), {});
    expect(s.method).toMatchObject({ kind: "password", user: { id: "0123abcd" } });
  });

  test("an account id is sent instead of the account name when both are set", () => {
    const s = resolveAuthSettings(stackConfig({ ...USER, "huaweicloud:domainId": "d0d0" }), {});
    expect(s.method).toMatchObject({ kind: "password", user: { name: "deployer", domain: { id: "d0d0" } } });
  });
});

describe("incomplete or missing credentials", () => {
  test("with nothing set, the chain ends at the ECS metadata service, whose error names every setting looked at, config and env", () => {
    const { method } = resolveAuthSettings(stackConfig({}), {});
    expect(method).toMatchObject({ kind: "ecs", metadataUrl: "http://169.254.169.254" });
    const notFound = method.kind === "ecs" ? method.notFound : "";
    for (const name of [
      "huaweicloud:token", "HW_AUTH_TOKEN", "huaweicloud:accessKey", "HW_ACCESS_KEY", "huaweicloud:secretKey", "HW_SECRET_KEY",
      "huaweicloud:securityToken", "HW_SECURITY_TOKEN", "huaweicloud:password", "HW_USER_PASSWORD", "huaweicloud:userName", "HW_USER_NAME",
      "huaweicloud:domainName", "HW_DOMAIN_NAME", "huaweicloud:domainId", "HW_DOMAIN_ID", "huaweicloud:userId", "HW_USER_ID",
      "huaweicloud:profile", "HW_PROFILE", "HW_ECS_METADATA_URL",
    ]) {
      expect(notFound).toContain(name);
    }
  });

  test.each(["http://10.0.0.5", "https://169.254.169.254", "http://169.254.169.254.example.com", "http://user:pw@127.0.0.1:8", "not a url"])(
    "HW_ECS_METADATA_URL %s is refused: only the link-local address or loopback (control: loopback passes)",
    (url) => {
      expect(() => resolveAuthSettings(stackConfig({}), { HW_ECS_METADATA_URL: url })).toThrow(CredentialsError);
      expect(resolveAuthSettings(stackConfig({}), { HW_ECS_METADATA_URL: "http://127.0.0.1:8" }).method).toMatchObject({ metadataUrl: "http://127.0.0.1:8" });
    },
  );

  test.each<[string, Record<string, string>, RegExp]>([
    ["a password without a user", { "huaweicloud:password": PASSWORD }, /no user: set huaweicloud:userName \/ HW_USER_NAME .* or huaweicloud:userId/],
    ["a user name without the account", { "huaweicloud:password": PASSWORD, "huaweicloud:userName": "deployer" }, /needs the account \(domain\) name: set huaweicloud:domainName \/ HW_DOMAIN_NAME/],
  ])("%s fails naming what is missing, never the password", (_name, config, message) => {
    expect(() => resolveAuthSettings(stackConfig(config), {})).toThrow(message);
    try {
      resolveAuthSettings(stackConfig(config), {});
    } catch (e) {
      expect((e as Error).message).not.toContain(PASSWORD);
    }
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ["an identity provider without an ID token", { HW_ASSUME_ROLE_IDP_ID: "github" }, /HW_ASSUME_ROLE_IDP_ID is set but no ID token: set huaweicloud:assumeRoleIdTokenFile \/ HW_ASSUME_ROLE_ID_TOKEN_FILE/],
    ["an ID token without the identity provider", { HW_ASSUME_ROLE_ID_TOKEN: ID_TOKEN, HW_AUTH_TOKEN: TOKEN }, /an ID token is set \(HW_ASSUME_ROLE_ID_TOKEN\) but not the identity provider: set huaweicloud:assumeRoleIdpId/],
  ])("OIDC: %s fails naming what is missing, never the token, even when another method is complete", (_name, env, message) => {
    expect(() => resolveAuthSettings(stackConfig({}), env)).toThrow(message);
    try {
      resolveAuthSettings(stackConfig({}), env);
    } catch (e) {
      expect((e as Error).message).not.toContain(ID_TOKEN);
    }
  });

  test("control: an incomplete password sign-in does not fail when another method is complete", () => {
    expect(chosen({ "huaweicloud:password": PASSWORD, "huaweicloud:token": TOKEN }).method).toBe("token");
  });
});

describe("agencies", () => {
  const base = { "huaweicloud:token": TOKEN };
  const agencyOf = (config: Record<string, string>, env: Record<string, string> = {}): AuthSettings["agency"] =>
    resolveAuthSettings(stackConfig({ ...base, ...config }), env).agency;

  test.each<[string, Record<string, string>, Record<string, string>, AuthSettings["agency"]]>([
    ["none set", {}, {}, undefined],
    ["from env", {}, { HW_ASSUME_ROLE_AGENCY_NAME: "ops", HW_ASSUME_ROLE_DOMAIN_NAME: "acme" }, { agencyName: "ops", domain: { name: "acme" } }],
    ["from env, by account id", {}, { HW_ASSUME_ROLE_AGENCY_NAME: "ops", HW_ASSUME_ROLE_DOMAIN_ID: "d0d0" }, { agencyName: "ops", domain: { id: "d0d0" } }],
    ["from the bridge's config object", { "huaweicloud:assumeRole": '{"agencyName":"ops","domainName":"acme"}' }, {}, { agencyName: "ops", domain: { name: "acme" } }],
    [
      "the config object wins whole over env (no mixing of two agencies)",
      { "huaweicloud:assumeRole": '{"agencyName":"ops","domainName":"acme"}' },
      { HW_ASSUME_ROLE_AGENCY_NAME: "other", HW_ASSUME_ROLE_DOMAIN_ID: "d0d0" },
      { agencyName: "ops", domain: { name: "acme" } },
    ],
  ])("%s", (_name, config, env, expected) => {
    expect(agencyOf(config, env)).toEqual(expected);
  });

  test.each<[string, Record<string, string>, Record<string, string>, RegExp]>([
    ["an agency without its account", {}, { HW_ASSUME_ROLE_AGENCY_NAME: "ops" }, /needs the account that owns it: set HW_ASSUME_ROLE_DOMAIN_NAME/],
    ["an account without the agency", {}, { HW_ASSUME_ROLE_DOMAIN_NAME: "acme" }, /set HW_ASSUME_ROLE_AGENCY_NAME/],
    ["a config value that is not an object", { "huaweicloud:assumeRole": "ops" }, {}, /huaweicloud:assumeRole must be an object/],
    ["a config object without the account", { "huaweicloud:assumeRole": '{"agencyName":"ops"}' }, {}, /set huaweicloud:assumeRole.domainName/],
  ])("%s fails naming the setting", (_name, config, env, message) => {
    expect(() => agencyOf(config, env)).toThrow(message);
  });
});

describe("the conflict warning", () => {
  const settings = resolveAuthSettings(stackConfig({ ...USER, "huaweicloud:token": TOKEN, "huaweicloud:accessKey": AK, "huaweicloud:secretKey": SK }), {});
  const warning = conflictWarning(settings)!;

  test("says which method is used and which are ignored, by setting name", () => {
    expect(warning).toBe(
      "pulumi-cce-kubeconfig: more than one set of CCE credentials is configured; using an IAM token (huaweicloud:token) and ignoring " +
        "an access key pair (huaweicloud:accessKey + huaweicloud:secretKey) and a password sign-in (huaweicloud:password + huaweicloud:userName). " +
        "The order is: a KooCLI profile you name, then OIDC federation, then an IAM token, then an access key pair, then a password sign-in, then the Huawei Cloud SDKs' OIDC variables, then the Huawei Cloud SDKs' access key variables, then the Huawei Cloud SDKs' credentials file, then CCE pod identity, then ECS instance metadata (the README's Credentials table); unset the ones you do not mean to use.",
    );
  });

  test("holds no value of any of them", () => {
    for (const value of [TOKEN, AK, SK, PASSWORD]) expect(warning).not.toContain(value);
  });

  test("control: one method gives no warning", () => {
    expect(conflictWarning(resolveAuthSettings(stackConfig(USER), {}))).toBeUndefined();
  });
});

describe("renewalTime: when a token or temporary key is replaced", () => {
  const at = Date.parse("2026-11-30T00:00:00Z");
  test.each<[string, number, number]>([
    ["a 24-hour token: 5 minutes before it expires", 24 * HOUR_MS, 24 * HOUR_MS - IAM_RENEW_LEAD_MS],
    ["a 1-hour agency key: 5 minutes before", HOUR_MS, HOUR_MS - 5 * MINUTE_MS],
    ["a 4-minute token: half-way, not before it was issued", 4 * MINUTE_MS, 2 * MINUTE_MS],
    ["an already expired one: at once", -MINUTE_MS, -MINUTE_MS],
  ])("%s", (_name, life, renewAfter) => {
    expect(renewalTime(new Date(at + life), new Date(at)) - at).toBe(renewAfter);
  });
});

describe("IAM's error body", () => {
  test("the nested message is read; the nested code (the HTTP status again) is no API code", () => {
    expect(parseErrorBody('{"error":{"code":401,"message":"The account is locked.","title":"Unauthorized"}}', "r1")).toEqual({
      apiCode: undefined,
      apiMessage: "The account is locked.",
      requestId: "r1",
    });
  });
  test("an `error` of another shape does not hide the other fields", () => {
    expect(parseErrorBody('{"error":"boom","error_code":"IAM.0101","error_msg":"bad"}', undefined)).toMatchObject({ apiCode: "IAM.0101", apiMessage: "bad" });
  });
});

// Issue 21, item 2: on the old main a host that merely began with "169.254." passed, so the pod's
// token went in clear to whatever such a name resolved to.
describe("CCE pod identity over plain HTTP goes only to a loopback or link-local IP literal", () => {
  const pod = (uri: string) => ({ HC_CONTAINER_CREDENTIALS_FULL_URI: uri, HC_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/token" });

  test.each([
    "http://169.254.0.1.attacker.example/credentials",
    "http://169.254.170.2.nip.io/credentials",
    "http://localhost:8080/credentials",
    "http://127.0.0.1.example.com/credentials",
    "http://10.1.2.3/credentials",
    "http://[fd00::1]/credentials",
    "http://[::ffff:a01:203]/credentials",
  ])("%s is refused, naming the rule and fetching nothing", (uri) => {
    expect(() => resolveAuthSettings(stackConfig({}), pod(uri))).toThrow("http:// to a loopback or link-local IP address");
  });

  test.each([
    "http://169.254.170.2/credentials",
    "http://127.0.0.1:8080/credentials",
    "http://127.10.0.1/credentials",
    "http://[::1]:8080/credentials",
    "http://[fe80::1]/credentials",
    "http://[::ffff:169.254.170.2]/credentials",
    "https://pod-identity.example.com/credentials",
  ])("%s is accepted (the control: the same check passes IP literals and https)", (uri) => {
    expect(resolveAuthSettings(stackConfig({}), pod(uri)).method).toMatchObject({ kind: "pod" });
  });
});
