/**
 * The one settings resolver (issue 19, item 2): explicit values, then stack config, then the
 * environment, then what the credentials name, into where, who and how; UNKNOWN passes through at
 * preview; a refused explicit value is not reported twice; who is resolved at the first call only.
 */
import { resolveSettings, REFUSED } from "../../../src/settings/resolve";
import { UNKNOWN } from "../../../src/protocol";
import { stackConfig } from "../../helpers/stack-config";

const where = (settings: ReturnType<typeof resolveSettings>) => ({ project: settings.where.project, endpoint: settings.where.endpoint });

test("explicit values win over stack config, which wins over the environment (control: without them, the next one answers)", () => {
  const config = stackConfig({ "huaweicloud:region": "eu-west-101", "huaweicloud:projectId": "configproject" });
  const env = { HW_REGION_NAME: "ap-southeast-1", HW_PROJECT_ID: "envproject", HW_CLOUD: "example.com" };
  expect(where(resolveSettings({ config, env, explicit: { region: "cn-north-4", projectId: "inputproject" } }))).toEqual({
    project: { ok: true, value: { projectId: "inputproject" } },
    endpoint: { ok: true, value: { endpoint: "https://cce.cn-north-4.example.com", region: "cn-north-4", cloud: "example.com" } },
  });
  expect(where(resolveSettings({ config, env }))).toMatchObject({ project: { value: { projectId: "configproject" } }, endpoint: { value: { region: "eu-west-101" } } });
  expect(where(resolveSettings({ config: stackConfig({}), env }))).toMatchObject({ project: { value: { projectId: "envproject" } }, endpoint: { value: { region: "ap-southeast-1" } } });
});

test("with no project id, the project is looked up by the project name, else the region; with neither, a failure names every setting", () => {
  expect(resolveSettings({ config: stackConfig({}), env: { HW_REGION_NAME: "ap-southeast-1", HW_PROJECT_NAME: "ap-southeast-1_dev" } }).where.project).toEqual({ ok: true, value: { projectName: "ap-southeast-1_dev" } });
  expect(resolveSettings({ config: stackConfig({}), env: { HW_REGION_NAME: "ap-southeast-1" } }).where.project).toEqual({ ok: true, value: { projectName: "ap-southeast-1" } });
  const none = resolveSettings({ config: stackConfig({}), env: {} }).where.project;
  expect(none.ok).toBe(false);
  expect(JSON.stringify(none)).toMatch(/huaweicloud:projectId.*HW_PROJECT_ID.*huaweicloud:region \/ HW_REGION_NAME.*huaweicloud:projectName \/ HW_PROJECT_NAME/);
});

test("a project id from config is checked like the input; an explicit one is the input check's (control: a good one passes)", () => {
  expect(resolveSettings({ config: stackConfig({ "huaweicloud:projectId": "not an id!" }), env: {} }).where.project).toEqual({
    ok: false,
    failures: [{ property: "projectId", reason: `must be a CCE id such as 0123456789abcdef0123456789abcdef (letters, digits, '-' or '_'); got "not an id!"` }],
  });
  expect(resolveSettings({ config: stackConfig({ "huaweicloud:projectId": "0123456789abcdef0123456789abcdef" }), env: {} }).where.project.ok).toBe(true);
});

test("UNKNOWN passes through at preview, and a refused explicit value adds no second failure", () => {
  const unknown = resolveSettings({ config: stackConfig({}), env: {}, explicit: { region: UNKNOWN } });
  expect(unknown.where.endpoint).toEqual({ ok: true, value: { endpoint: UNKNOWN, region: UNKNOWN, cloud: UNKNOWN } });
  expect(unknown.where.project).toEqual({ ok: true, value: { projectName: UNKNOWN } });
  const refusedRegion = resolveSettings({ config: stackConfig({}), env: {}, explicit: { region: REFUSED } });
  expect(refusedRegion.where.endpoint).toEqual({ ok: false, failures: [] });
  expect(refusedRegion.where.project).toEqual({ ok: true, value: {} });
});

test("the IAM URL: the set one, else the location's region and cloud; a bad set one is a failure at once; neither names both settings", () => {
  const derived = resolveSettings({ config: stackConfig({}), env: {} });
  expect(derived.authUrl({ region: "eu-west-101" })).toBe("https://iam.eu-west-101.myhuaweicloud.eu/v3");
  expect(() => derived.authUrl({})).toThrow(/huaweicloud:authUrl \/ HW_AUTH_URL.*huaweicloud:region \/ HW_REGION_NAME|huaweicloud:region \/ HW_REGION_NAME.*huaweicloud:authUrl \/ HW_AUTH_URL/);
  expect(resolveSettings({ config: stackConfig({}), env: { HW_AUTH_URL: "https://iam.example.com/v3" } }).authUrl({ region: "x" })).toBe("https://iam.example.com/v3");
  expect(resolveSettings({ config: stackConfig({}), env: { HW_AUTH_URL: "http://iam.example.com/v3" } }).failures.authUrl).toEqual([
    expect.objectContaining({ reason: expect.stringContaining("(huaweicloud:authUrl / HW_AUTH_URL)") }),
  ]);
});

test("how: HW_MAX_RETRIES, else 5; who: the chain, resolved at the first call and kept for the operation (control: a new operation reads again)", () => {
  expect(resolveSettings({ config: stackConfig({}), env: { HW_MAX_RETRIES: "2" } }).how).toEqual({ maxRetries: 2 });
  expect(resolveSettings({ config: stackConfig({}), env: {} }).how).toEqual({ maxRetries: 5 });
  let passwordReads = 0;
  const config = { get: (key: string) => (key === "huaweicloud:password" ? (passwordReads++, "pw") : key === "huaweicloud:userId" ? "u1" : undefined) };
  const settings = resolveSettings({ config, env: {} });
  expect(passwordReads).toBe(0); // nothing is read before a call asks
  expect(settings.who().method).toMatchObject({ kind: "password", user: { id: "u1" } });
  const reads = passwordReads;
  settings.who();
  expect(passwordReads).toBe(reads);
  resolveSettings({ config, env: {} }).who();
  expect(passwordReads).toBeGreaterThan(reads);
});
