/**
 * Inputs the schema does not know are refused by name, with the closest known one: a JavaScript
 * program's `durtion: 30` or `kind: "autopilot"` used to be dropped, and the defaults applied.
 */
import { checkInputs } from "../../../src/provider/inputs";
import { INPUT_NAMES } from "../../../src/provider/input-schema";
import { closestName, editDistance } from "../../../src/protocol";
import { stackConfig } from "../../helpers/stack-config";

const base = { clusterId: "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12", projectId: "0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7", region: "ap-southeast-1" };
const failures = (news: Record<string, unknown>) => checkInputs({}, news, stackConfig({}), {}).failures;

test.each<[string, string | undefined]>([
  ["durtion", "duration"],
  ["kind", "clusterKind"],
  ["clusterID", "clusterId"],
  ["clusterIdentifier", "clusterId"],
  ["expiresAt", "expireAt"],
  ["renew_before", "renewBefore"],
  ["legacyGet", "useLegacyGet"],
  ["kubeconfig", undefined],
  ["zz", undefined],
])("the closest input to %s is %s", (given, expected) => {
  expect(closestName(given, INPUT_NAMES)).toBe(expected);
});

test("edit distance counts insertions, deletions and substitutions, ignoring case", () => {
  expect([editDistance("durtion", "duration"), editDistance("abc", "ABC"), editDistance("", "abc"), editDistance("kitten", "sitting")]).toEqual([1, 0, 3, 3]);
});

test("check refuses a misspelt input, naming it and the input meant", () => {
  expect(failures({ ...base, durtion: 30 })).toEqual([{ property: "durtion", reason: "is not an input of ClusterCertificate: did you mean duration?" }]);
});

test('check refuses kind: "autopilot", naming clusterKind, instead of minting for a standard cluster', () => {
  expect(failures({ ...base, kind: "autopilot" })).toEqual([{ property: "kind", reason: "is not an input of ClusterCertificate: did you mean clusterKind?" }]);
});

test("an input with no close name is refused with the list of inputs", () => {
  expect(failures({ ...base, zz: 1 })).toEqual([{ property: "zz", reason: `is not an input of ClusterCertificate: the inputs are ${INPUT_NAMES.join(", ")}` }]);
});

test("the dynamic host's __provider and inputs left undefined are not refused (control: every known input passes)", () => {
  expect(failures({ ...base, __provider: "exports.handler = ...", kubeconfig: undefined })).toEqual([]);
  expect(failures({ ...base, duration: 30, renewBefore: 5, context: "internal", clusterKind: "cce", cloud: "myhuaweicloud.com" })).toEqual([]);
});
