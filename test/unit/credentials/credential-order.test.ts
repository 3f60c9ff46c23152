/**
 * The one visible order (issue 14, item 6; issue 19, item 1): the chain resolves in CREDENTIAL_CHAIN, the warning
 * quotes it, and the README shows the table rendered from it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CREDENTIAL_CHAIN, credentialOrderTable, orderText } from "../../../src/credentials";
import { resolveAuthSettings } from "../../../src/credentials";
import { conflictWarning } from "../../../src/provider/operations";
import { stackConfig } from "../../helpers/stack-config";

const README = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "order-"));
  writeFileSync(join(dir, "credentials"), "[basic]\nak = FILEKEY0000000000001\nsk = file-secret\n");
  writeFileSync(join(dir, "config.json"), JSON.stringify({ profiles: [{ name: "dev", mode: "AKSK", accessKeyId: "PROFILEKEY0000000001", secretAccessKey: "profile-secret" }] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the README shows the table rendered from CREDENTIAL_CHAIN (control: the rows swapped are not found)", () => {
  const table = credentialOrderTable();
  if (!README.includes(`\n${table}\n`)) throw new Error(`README.md's Credentials table is out of date; paste:\n\n${table}\n`);
  const [head, rule, first, second, ...rest] = table.split("\n");
  expect(README.includes([head, rule, second, first, ...rest].join("\n"))).toBe(false);
});

test("with every source complete, the chain uses them in CREDENTIAL_CHAIN and the warning quotes that order", () => {
  const env = {
    HW_SHARED_CONFIG_FILE: join(dir, "config.json"),
    HW_PROFILE: "dev",
    HW_ASSUME_ROLE_IDP_ID: "github",
    HW_ASSUME_ROLE_ID_TOKEN_FILE: join(dir, "id-token"),
    HW_AUTH_TOKEN: "a-token",
    HW_ACCESS_KEY: "ENVKEY00000000000001",
    HW_SECRET_KEY: "env-secret",
    HW_USER_PASSWORD: "pw",
    HW_USER_ID: "u1",
    HUAWEICLOUD_SDK_IDP_ID: "sdk-idp",
    HUAWEICLOUD_SDK_ID_TOKEN_FILE: join(dir, "sdk-id-token"),
    HUAWEICLOUD_SDK_AK: "SDKKEY00000000000001",
    HUAWEICLOUD_SDK_SK: "sdk-secret",
    HUAWEICLOUD_SDK_CREDENTIALS_FILE: join(dir, "credentials"),
    HC_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/credentials",
    HC_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/token",
  };
  const settings = resolveAuthSettings(stackConfig({}), env);
  const chosen = [settings.method.from, ...settings.ignored];
  expect(chosen).toEqual([
    `profile "dev" in ${join(dir, "config.json")}`,
    "OIDC federation (HW_ASSUME_ROLE_IDP_ID + HW_ASSUME_ROLE_ID_TOKEN_FILE)",
    "an IAM token (HW_AUTH_TOKEN)",
    "an access key pair (HW_ACCESS_KEY + HW_SECRET_KEY)",
    "a password sign-in (HW_USER_PASSWORD + HW_USER_ID)",
    "OIDC federation (HUAWEICLOUD_SDK_IDP_ID + HUAWEICLOUD_SDK_ID_TOKEN_FILE)",
    "an access key pair (HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK)",
    `an access key pair ([basic] ak + sk in the SDK credentials file ${join(dir, "credentials")} (named by HUAWEICLOUD_SDK_CREDENTIALS_FILE))`,
    "CCE pod identity (HC_CONTAINER_CREDENTIALS_FULL_URI + HC_CONTAINER_AUTHORIZATION_TOKEN_FILE)",
  ]);
  expect(CREDENTIAL_CHAIN.map((s) => s.label)).toEqual([
    "a KooCLI profile you name",
    "OIDC federation",
    "an IAM token",
    "an access key pair",
    "a password sign-in",
    "the Huawei Cloud SDKs' OIDC variables",
    "the Huawei Cloud SDKs' access key variables",
    "the Huawei Cloud SDKs' credentials file",
    "CCE pod identity",
    "ECS instance metadata",
  ]);
  expect(conflictWarning(settings)).toContain(`The order is: ${orderText()} (the README's Credentials table)`);
  // Nothing at all: the last source.
  expect(resolveAuthSettings(stackConfig({}), {}).method.kind).toBe("ecs");
  // Control: without the profile, OIDC is first; without both, the token.
  const { HW_PROFILE: _p, HW_SHARED_CONFIG_FILE: _f, ...withoutProfile } = env;
  expect(resolveAuthSettings(stackConfig({}), withoutProfile).method.kind).toBe("oidc");
  const { HW_ASSUME_ROLE_IDP_ID: _i, HW_ASSUME_ROLE_ID_TOKEN_FILE: _t, ...neither } = withoutProfile;
  expect(resolveAuthSettings(stackConfig({}), neither).method.kind).toBe("token");
});
