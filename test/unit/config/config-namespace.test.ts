/**
 * One settings resolution for both hosts: the dynamic provider reads `huaweicloud:*`, the plugin
 * `cce-kubeconfig:*` (a plugin sees only its own namespace), and each names its own keys in errors.
 */
import { resolveSetting } from "../../../src/config/settings";
import { resolveAgency, resolveAuthSettings } from "../../../src/credentials";
import { checkInputs } from "../../../src/provider/inputs";
import { stackConfig } from "../../helpers/stack-config";

const CLUSTER = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";

test("the plugin's config reads cce-kubeconfig keys, and not huaweicloud ones", () => {
  const values = { "cce-kubeconfig:region": "cn-north-4", "huaweicloud:region": "la-south-2" };
  expect(resolveSetting("region", undefined, stackConfig(values, "cce-kubeconfig"), {})).toBe("cn-north-4");
  expect(resolveSetting("region", undefined, stackConfig(values), {})).toBe("la-south-2");
});

test("a key pair from the plugin's config is named by its cce-kubeconfig keys", () => {
  const settings = resolveAuthSettings(stackConfig({ "cce-kubeconfig:accessKey": "AK00000000", "cce-kubeconfig:secretKey": "SK00000000" }, "cce-kubeconfig"), {});
  expect(settings.method).toMatchObject({ kind: "aksk", from: "cce-kubeconfig:accessKey + cce-kubeconfig:secretKey" });
});

test("missing credentials in the plugin name cce-kubeconfig keys and the environment variables", () => {
  // Nothing configured ends at the ECS metadata service; its error, when that gives nothing, is this text.
  const notFound = (config: ReturnType<typeof stackConfig>) => {
    const { method } = resolveAuthSettings(config, {});
    return method.kind === "ecs" ? method.notFound : "";
  };
  expect(notFound(stackConfig({}, "cce-kubeconfig"))).toMatch(
    /cce-kubeconfig:token \/ HW_AUTH_TOKEN; cce-kubeconfig:accessKey \/ HW_ACCESS_KEY \+ cce-kubeconfig:secretKey \/ HW_SECRET_KEY/,
  );
  // Control: the dynamic host still names the bridge's keys.
  expect(notFound(stackConfig({}))).toMatch(/huaweicloud:token \/ HW_AUTH_TOKEN/);
});

test("a missing project id in the plugin names cce-kubeconfig:projectId and the settings it can be looked up by", () => {
  const { failures } = checkInputs({}, { clusterId: CLUSTER, endpoint: "https://cce.example.com" }, stackConfig({}, "cce-kubeconfig"), {});
  expect(failures).toEqual([
    {
      property: "projectId",
      reason:
        "is not set: looked at the projectId input, stack config cce-kubeconfig:projectId and environment HW_PROJECT_ID; to look it up at IAM, " +
        "set the region (input, cce-kubeconfig:region / HW_REGION_NAME) or the project name (cce-kubeconfig:projectName / HW_PROJECT_NAME)",
    },
  ]);
  // Control: with a region, check leaves the id to a lookup at create.
  const withRegion = checkInputs({}, { clusterId: CLUSTER, region: "ap-southeast-1" }, stackConfig({}, "cce-kubeconfig"), {});
  expect(withRegion.failures).toEqual([]);
  expect(withRegion.inputs.projectName).toBe("ap-southeast-1");
  expect(checkInputs({}, { clusterId: CLUSTER, region: "ap-southeast-1" }, stackConfig({ "cce-kubeconfig:projectName": "ap-southeast-1_x" }, "cce-kubeconfig"), {}).inputs.projectName).toBe("ap-southeast-1_x");
});

test("the plugin's agency is cce-kubeconfig:assumeRole", () => {
  const config = stackConfig({ "cce-kubeconfig:assumeRole": JSON.stringify({ agencyName: "ops", domainName: "acme" }) }, "cce-kubeconfig");
  expect(resolveAgency(config, {})).toEqual({ agencyName: "ops", domain: { name: "acme" } });
  expect(() => resolveAgency(stackConfig({ "cce-kubeconfig:assumeRole": JSON.stringify({ domainName: "acme" }) }, "cce-kubeconfig"), {})).toThrow(
    "an agency's account is set but not the agency: set cce-kubeconfig:assumeRole.agencyName",
  );
});
