/**
 * One schema: the committed schema.json is what src/plugin/schema.ts builds, its resource agrees
 * with the TypeScript resource on every name, type and secret flag, and its inputs are the
 * validator's. Each comparison has a control that plants a disagreement.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { INPUT_NAMES } from "../../src/provider/input-schema";
import { SECRET_OUTPUTS } from "../../src/provider/outputs";
import { CLUSTER_CERTIFICATE_TYPE, packageSchema, SECRET_CONFIG } from "../../src/plugin/schema";
import { VERSION } from "../../src/plugin/version";
import { CONFIG_SETTINGS } from "../../src/config/settings";
import { EXEC_INPUT_NAMES } from "../../src/provider/exec-inputs";
import { EXEC_SECRET_OUTPUTS } from "../../src/provider/exec-operations";
import { execKubeconfig } from "../../src/resources";
import { disagreements, readResource, type ResourceSpec } from "../helpers/schema-agreement";

const ROOT = join(__dirname, "..", "..");
const committed = JSON.parse(readFileSync(join(ROOT, "schema.json"), "utf8")) as ReturnType<typeof packageSchema>;
const resourceSpec = (schema: ReturnType<typeof packageSchema>) => schema.resources[CLUSTER_CERTIFICATE_TYPE] as unknown as ResourceSpec;
const side = readResource(join(ROOT, "src", "provider", "resource.ts"), SECRET_OUTPUTS);
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test("schema.json is what src/plugin/schema.ts builds (npm run gen-schema writes it)", () => {
  expect(committed).toEqual(packageSchema(VERSION));
  expect(committed.version).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
});

test("the schema and the TypeScript resource agree on every input and output, by name, type and secret flag", () => {
  expect(side.inputs.size).toBe(INPUT_NAMES.length);
  expect(side.outputs.size).toBeGreaterThanOrEqual(10);
  expect(disagreements(resourceSpec(committed), side)).toEqual([]);
});

test("control: a renamed input, a changed type and a dropped secret flag are each found", () => {
  const planted = clone(resourceSpec(committed));
  planted.inputProperties["durationDays"] = planted.inputProperties["duration"]!;
  delete planted.inputProperties["duration"];
  planted.properties["expiresAt"] = { type: "integer" };
  planted.properties["clientKeyData"] = { type: "string" };
  expect(disagreements(planted, side)).toEqual([
    "input durationDays is in the schema but not in the resource",
    "input duration is in the resource but not in the schema",
    "output clientKeyData is secret in the resource but not in the schema",
    "output expiresAt is number in the schema but string in the resource",
    // The echoed input's output is left without its input.
    "output duration is in the schema but not in the resource",
  ]);
});

test("the schema's inputs are exactly the validator's, in its order", () => {
  expect(Object.keys(resourceSpec(committed).inputProperties)).toEqual(INPUT_NAMES);
});

test("every setting with a config key is a config variable and a provider input; credentials are secret", () => {
  const variables = committed.config.variables;
  for (const name of CONFIG_SETTINGS) expect(variables).toHaveProperty(name);
  expect(committed.provider.inputProperties).toEqual(variables);
  expect(SECRET_CONFIG.sort()).toEqual(["accessKey", "assumeRoleIdToken", "authToken", "password", "secretKey", "securityToken", "token"]);
  for (const name of ["region", "projectId", "cloud", "authUrl", "assumeRoleIdpId", "assumeRoleIdTokenFile"]) expect(variables[name]).not.toHaveProperty("secret");
});

describe("ExecKubeconfig (issue 19)", () => {
  const execSpec = (schema: ReturnType<typeof packageSchema>) => schema.resources[execKubeconfig.type] as unknown as ResourceSpec;
  const execSide = readResource(join(ROOT, "src", "provider", "exec-resource.ts"), EXEC_SECRET_OUTPUTS, { args: "ExecKubeconfigArgs", resource: "ExecKubeconfig" });

  test("the schema has it under cce-kubeconfig:index:ExecKubeconfig, its inputs exactly the validator's, in order", () => {
    expect(execKubeconfig.type).toBe("cce-kubeconfig:index:ExecKubeconfig");
    expect(Object.keys(execSpec(committed).inputProperties)).toEqual(EXEC_INPUT_NAMES);
  });

  test("the schema and the Node ExecKubeconfig agree on every input and output, by name, type and secret flag; no client certificate or key is an output", () => {
    expect(execSide.inputs.size).toBe(EXEC_INPUT_NAMES.length);
    expect(disagreements(execSpec(committed), execSide)).toEqual([]);
    expect([...execKubeconfig.secretOutputs].sort()).toEqual([...EXEC_SECRET_OUTPUTS].sort());
    expect(Object.keys(execSpec(committed).properties).filter((name) => /client(Key|Certificate)/.test(name))).toEqual([]);
  });

  test("control: a dropped secret flag on the server is found", () => {
    const planted = clone(execSpec(committed));
    planted.properties["server"] = { type: "string" };
    expect(disagreements(planted, execSide)).toEqual(["output server is secret in the resource but not in the schema"]);
  });
});
