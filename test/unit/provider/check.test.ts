/** `check`: every bad input is refused by name, before any request. */
import { checkInputs } from "../../../src/provider/inputs";
import { stackConfig } from "../../helpers/stack-config";

const CLUSTER = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";
const PROJECT = "0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7";
const base = { clusterId: CLUSTER, projectId: PROJECT, region: "ap-southeast-1" };
const noConfig = stackConfig({});

function failures(news: Record<string, unknown>, env: Record<string, string> = {}, olds: Record<string, unknown> = {}) {
  return checkInputs(olds, news, noConfig, env).failures;
}

test("valid inputs resolve their defaults", () => {
  expect(checkInputs({}, base, noConfig, {})).toEqual({
    inputs: {
      clusterId: CLUSTER,
      projectId: PROJECT,
      region: "ap-southeast-1",
      cloud: "myhuaweicloud.com",
      endpoint: "https://cce.ap-southeast-1.myhuaweicloud.com",
      duration: 365,
      renewBefore: 30,
      context: "auto",
      useLegacyGet: false,
      clusterKind: "cce",
    },
    failures: [],
  });
});

test("eu-west-101 uses the myhuaweicloud.eu domain", () => {
  expect(checkInputs({}, { ...base, region: "eu-west-101" }, noConfig, {}).inputs.endpoint).toBe(
    "https://cce.eu-west-101.myhuaweicloud.eu",
  );
});

test("settings come from the input, then stack config, then the environment", () => {
  const config = stackConfig({ "huaweicloud:projectId": "fromconfig", "huaweicloud:region": "cn-north-4" });
  const env = { HW_PROJECT_ID: "fromenv", HW_REGION_NAME: "la-south-2", HW_CLOUD: "example.com" };
  expect(checkInputs({}, { clusterId: CLUSTER }, config, env).inputs).toMatchObject({
    projectId: "fromconfig",
    region: "cn-north-4",
    endpoint: "https://cce.cn-north-4.example.com",
  });
  expect(checkInputs({}, { clusterId: CLUSTER }, noConfig, env).inputs).toMatchObject({ projectId: "fromenv", region: "la-south-2" });
  expect(checkInputs({}, { clusterId: CLUSTER, projectId: "frominput" }, config, env).inputs.projectId).toBe("frominput");
  expect(checkInputs({}, { clusterId: CLUSTER }, config, { ...env, HW_CCE_ENDPOINT: "http://127.0.0.1:9/" }).inputs.endpoint).toBe(
    "http://127.0.0.1:9",
  );
});

test("without a project id, check passes and names the project to look up: the project name, else the region", () => {
  const { projectId: _p, ...noProject } = base;
  expect(checkInputs({}, noProject, noConfig, {}).inputs).toMatchObject({ projectName: "ap-southeast-1" });
  expect(checkInputs({}, noProject, noConfig, {}).inputs.projectId).toBeUndefined();
  expect(checkInputs({}, noProject, noConfig, { HW_PROJECT_NAME: "ap-southeast-1_dev" }).inputs.projectName).toBe("ap-southeast-1_dev");
  expect(failures(noProject)).toEqual([]);
  // Control: a set id wins and no name is kept.
  expect(checkInputs({}, base, noConfig, { HW_PROJECT_NAME: "x" }).inputs).not.toHaveProperty("projectName");
});

test("a missing setting names every place that was looked at", () => {
  expect(failures({ clusterId: CLUSTER })).toEqual([
    {
      property: "projectId",
      reason:
        "is not set: looked at the projectId input, stack config huaweicloud:projectId and environment HW_PROJECT_ID; to look it up at IAM, " +
        "set the region (input, huaweicloud:region / HW_REGION_NAME) or the project name (huaweicloud:projectName / HW_PROJECT_NAME)",
    },
    {
      property: "region",
      reason: "is not set: looked at the region input, stack config huaweicloud:region and environment HW_REGION_NAME (or set endpoint / HW_CCE_ENDPOINT)",
    },
  ]);
  expect(failures({ ...base, clusterId: undefined })).toEqual([{ property: "clusterId", reason: "is required: the UUID of the CCE cluster" }]);
});

describe("refused inputs name the input", () => {
  test.each([
    ["clusterId", { clusterId: "../../x" }],
    ["clusterId", { clusterId: "a?b" }],
    ["clusterId", { clusterId: "a#b" }],
    ["clusterId", { clusterId: "a%2Fb" }],
    ["clusterId", { clusterId: "a b" }],
    ["clusterId", { clusterId: "集群" }],
    ["clusterId", { clusterId: "x".repeat(10_240) }],
    ["clusterId", { clusterId: 42 }],
    ["projectId", { projectId: "../" }],
    ["endpoint", { endpoint: "https://user:pass@cce.example.com" }],
    ["endpoint", { endpoint: "http://cce.example.com" }],
    ["endpoint", { endpoint: "ftp://127.0.0.1" }],
    ["endpoint", { endpoint: "not a url" }],
    ["region", { region: "AP South" }],
    ["cloud", { cloud: "bad domain" }],
    ["duration", { duration: 0 }],
    ["duration", { duration: -2 }],
    ["duration", { duration: 1.5 }],
    ["duration", { duration: "30" }],
    ["duration", { duration: 1e9 }],
    ["expireAt", { expireAt: "2001-01-01T00:00:00Z" }],
    ["expireAt", { expireAt: "next tuesday" }],
    ["expireAt", { expireAt: new Date(Date.now() + 60_000).toISOString() }],
    ["expireAt", { duration: 30, expireAt: "2099-01-01T00:00:00Z" }],
    ["context", { context: "public" }],
    ["renewBefore", { renewBefore: -1 }],
    ["renewBefore", { duration: 10, renewBefore: 10 }],
    ["useLegacyGet", { useLegacyGet: "yes" }],
    ["duration", { useLegacyGet: true, duration: 30 }],
  ])("%s: %j", (property, change) => {
    const found = failures({ ...base, ...change });
    expect(found.map((f) => f.property)).toContain(property);
    for (const f of found) expect(f.reason.length).toBeLessThan(300);
  });
});

test("a long bad value is described, not echoed", () => {
  const [failure] = failures({ ...base, clusterId: "x".repeat(10_240) });
  expect(failure!.reason).toContain("a 10240-character string");
});

test("an expireAt that has passed since it was stored is not refused", () => {
  const past = "2020-01-01T00:00:00.000Z";
  expect(failures({ ...base, expireAt: past }, {}, { expireAt: past })).toEqual([]);
});

test("unknown values (preview) pass through unchecked", () => {
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const { inputs, failures: found } = checkInputs({}, { ...base, clusterId: unknown }, noConfig, {});
  expect(found).toEqual([]);
  expect(inputs.clusterId).toBe(unknown);
});

test("an expireAt on a day that does not exist is refused", () => {
  expect(failures({ ...base, expireAt: "2031-02-30T00:00:00Z" }).map((f) => f.property)).toEqual(["expireAt"]);
});

// Found when "unknown until apply" entered the types (issue #10): the placeholder is a truthy
// string, so an unknown useLegacyGet refused a duration at preview.
test("an unknown useLegacyGet at preview does not refuse a duration", () => {
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  expect(failures({ ...base, useLegacyGet: unknown, duration: 30 })).toEqual([]);
  expect(failures({ ...base, useLegacyGet: true, duration: 30 }).map((f) => f.property)).toEqual(["duration"]); // control
});

test("an unknown region makes the endpoint unknown, not empty", () => {
  const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
  const { inputs, failures: found } = checkInputs({}, { ...base, region: unknown }, noConfig, {});
  expect(found).toEqual([]);
  expect(inputs).toMatchObject({ region: unknown, cloud: unknown, endpoint: unknown });
});
