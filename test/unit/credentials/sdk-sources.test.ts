/**
 * The official SDKs' sources, read as their Go and Python SDKs read them (EnvCredentialProvider,
 * ProfileCredentialProvider): the identity provider before keys, the file's [basic] section, the
 * default file skipped when absent, half of anything refused by name and never by value.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAuthSettings } from "../../../src/credentials";
import { parseIni } from "../../../src/credentials/sdk-credentials-file";
import { stackConfig } from "../../helpers/stack-config";

let home: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), "sdk-sources-"));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `env` with HOME at an empty folder, so no real file is read. */
const resolve = (env: Record<string, string>) => resolveAuthSettings(stackConfig({}), { HOME: join(home, "nobody"), ...env });

test("the SDKs' keys, with their security token and project id", () => {
  expect(resolve({ HUAWEICLOUD_SDK_AK: "AK0000000000000000001", HUAWEICLOUD_SDK_SK: "sk", HUAWEICLOUD_SDK_SECURITY_TOKEN: "st", HUAWEICLOUD_SDK_PROJECT_ID: "p1" }).method).toEqual({
    kind: "aksk",
    accessKey: "AK0000000000000000001",
    secretKey: "sk",
    securityToken: "st",
    projectId: "p1",
    from: "HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK",
  });
});

test("the SDKs' identity provider wins over their keys, as in the SDKs; HW_* settings win over both", () => {
  const sdk = { HUAWEICLOUD_SDK_AK: "AK0000000000000000001", HUAWEICLOUD_SDK_SK: "sk", HUAWEICLOUD_SDK_IDP_ID: "idp", HUAWEICLOUD_SDK_ID_TOKEN_FILE: "/run/token" };
  const settings = resolve(sdk);
  expect(settings.method).toEqual({ kind: "oidc", idpId: "idp", idToken: { file: "/run/token", from: "HUAWEICLOUD_SDK_ID_TOKEN_FILE" }, from: "HUAWEICLOUD_SDK_IDP_ID + HUAWEICLOUD_SDK_ID_TOKEN_FILE" });
  expect(settings.ignored).toEqual(["an access key pair (HUAWEICLOUD_SDK_AK + HUAWEICLOUD_SDK_SK)"]);
  const withHw = resolve({ ...sdk, HW_ACCESS_KEY: "HW00000000000000001", HW_SECRET_KEY: "hw" });
  expect(withHw.method.from).toBe("HW_ACCESS_KEY + HW_SECRET_KEY");
  expect(withHw.ignored).toHaveLength(2);
});

test("half of the SDKs' keys: an error naming the missing variable, unless an earlier source is complete", () => {
  expect(() => resolve({ HUAWEICLOUD_SDK_SK: "the-secret" })).toThrow("HUAWEICLOUD_SDK_SK is set but not HUAWEICLOUD_SDK_AK: set both, or unset it");
  expect(() => resolve({ HUAWEICLOUD_SDK_AK: "AK0000000000000000001" })).toThrow("HUAWEICLOUD_SDK_AK is set but not HUAWEICLOUD_SDK_SK");
  expect(resolve({ HUAWEICLOUD_SDK_SK: "the-secret", HW_AUTH_TOKEN: "t" }).method.kind).toBe("token");
  expect(() => resolve({ HUAWEICLOUD_SDK_ID_TOKEN_FILE: "/f" })).toThrow("HUAWEICLOUD_SDK_ID_TOKEN_FILE is set but not HUAWEICLOUD_SDK_IDP_ID");
});

test("the credentials file: [basic] only, idp before keys, comments and quotes; the default file under HOME; absent default skipped", () => {
  const file = join(home, "credentials.ini");
  writeFileSync(file, `; comment\n[global]\nak = GLOBAL00000000000001\nsk = g\n[basic]\nak = 'FILEAK00000000000001'\nsk = "file-secret"\nsecurity_token = st\nproject_id = p9\n`);
  expect(resolve({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file }).method).toEqual({
    kind: "aksk",
    accessKey: "FILEAK00000000000001",
    secretKey: "file-secret",
    securityToken: "st",
    projectId: "p9",
    from: `[basic] ak + sk in the SDK credentials file ${file} (named by HUAWEICLOUD_SDK_CREDENTIALS_FILE)`,
  });
  writeFileSync(file, `[basic]\nak = FILEAK00000000000001\nsk = s\nidp_id = idp\nid_token_file = /run/t\n`);
  expect(resolve({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file }).method).toMatchObject({ kind: "oidc", idpId: "idp", idToken: { file: "/run/t" } });

  const user = join(home, "user");
  mkdirSync(join(user, ".huaweicloud"), { recursive: true });
  expect(resolve({ HOME: user }).method.kind).toBe("ecs"); // absent default file: skipped
  writeFileSync(join(user, ".huaweicloud", "credentials"), "[basic]\nak = HOMEAK00000000000001\nsk = s\n");
  expect(resolve({ HOME: user }).method).toMatchObject({ kind: "aksk", accessKey: "HOMEAK00000000000001", from: `[basic] ak + sk in the SDK credentials file ${join(user, ".huaweicloud", "credentials")}` });
  writeFileSync(join(user, ".huaweicloud", "credentials"), "[global]\nak = HOMEAK00000000000001\nsk = s\n");
  expect(resolve({ HOME: user }).method.kind).toBe("ecs"); // no [basic]: the default file does not apply
});

test("a named file that is missing, empty of [basic] or half filled fails naming the file and key, never a value", () => {
  const file = join(home, "half.ini");
  expect(() => resolve({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: join(home, "none.ini") })).toThrow(/none\.ini \(named by HUAWEICLOUD_SDK_CREDENTIALS_FILE\) cannot be read \(ENOENT\): point HUAWEICLOUD_SDK_CREDENTIALS_FILE at/);
  writeFileSync(file, "[global]\nak = X\n");
  expect(() => resolve({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file })).toThrow(/has no \[basic\] section with ak \+ sk or idp_id \+ id_token_file/);
  writeFileSync(file, "[basic]\nsk = very-secret-value\n");
  const error = (() => {
    try {
      resolve({ HUAWEICLOUD_SDK_CREDENTIALS_FILE: file });
    } catch (e) {
      return String(e);
    }
    return "";
  })();
  expect(error).toMatch(/has half a credential in \[basic\]: set ak too/);
  expect(error).not.toContain("very-secret-value");
  // Control: the value is in the file the error names.
  expect(parseIni("[basic]\nsk = very-secret-value\n").get("basic")?.get("sk")).toBe("very-secret-value");
});

test("the default file's problems do not stop a complete source before it; named, or alone, they fail (control: the same file, named)", () => {
  const user = join(home, "half-default");
  mkdirSync(join(user, ".huaweicloud"), { recursive: true });
  writeFileSync(join(user, ".huaweicloud", "credentials"), "[basic]\nak = HALF0000000000000001\n");
  expect(resolve({ HOME: user, HW_ACCESS_KEY: "HW00000000000000001", HW_SECRET_KEY: "hw" }).method.from).toBe("HW_ACCESS_KEY + HW_SECRET_KEY");
  expect(() => resolve({ HOME: user })).toThrow(/has half a credential in \[basic\]: set sk too/);
  expect(() => resolve({ HW_ACCESS_KEY: "HW00000000000000001", HW_SECRET_KEY: "hw", HUAWEICLOUD_SDK_CREDENTIALS_FILE: join(user, ".huaweicloud", "credentials") })).toThrow(/half a credential/);
});
