/**
 * The resource registry (issue 19, item 4): every folder under src/resources/ is one line of the
 * list, defineResource derives the type token, input names and secret outputs from the schema,
 * and the plugin's resource host dispatches by type token to whatever the registry holds (here a
 * throwaway resource, as a new one would be added) and refuses the rest.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { StackConfig } from "../../../src/config/settings";
import { InvalidInputError } from "../../../src/errors";
import { resourceHost, typeOfUrn } from "../../../src/plugin/resource-host";
import { RESOURCES } from "../../../src/resources";
import { defineResource, string, type ResourceOperations } from "../../../src/resources/registry";

const RESOURCES_DIR = join(__dirname, "..", "..", "..", "src", "resources");

test("every folder under src/resources/ is one line of list.ts, and the registry holds exactly their entries, by type token", () => {
  const folders = readdirSync(RESOURCES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const lines = readFileSync(join(RESOURCES_DIR, "list.ts"), "utf8").split("\n").filter((line) => line.startsWith("export "));
  expect(lines.map((line) => /from "\.\/([^"]+)"/.exec(line)?.[1]).sort()).toEqual(folders.sort());
  expect(RESOURCES.map((r) => r.type)).toEqual(["cce-kubeconfig:index:CertificateRevocation", "cce-kubeconfig:index:ClusterCertificate", "cce-kubeconfig:index:ExecKubeconfig"]);
});

const throwaway = (calls: string[]) =>
  defineResource({
    name: "Throwaway",
    schema: {
      description: "A resource made up by this test.",
      inputProperties: { size: { type: "integer", description: "A size." } },
      requiredInputs: [],
      properties: { size: { type: "integer", description: "A size." }, token: string("A secret.", { secret: true }), label: string("Not secret.") },
      required: [],
    },
    updateInPlace: ["size"],
    operations: (): ResourceOperations => {
      let region: string | undefined;
      return {
        configure: async ({ config }) => void (region = config.get("cce-kubeconfig:region")),
        check: async (_olds, news) => ({ inputs: { ...news, region }, failures: [] }),
        diff: async () => ({ changes: false }),
        create: async () => ({ id: "t" }),
        read: async (id, props) => ({ id, props }),
        update: async () => ({}),
        delete: async () => void calls.push("delete"),
      };
    },
  });

test("defineResource derives the type token, the input names and the secret outputs from the schema", () => {
  const entry = throwaway([]);
  expect([entry.type, entry.inputNames, entry.secretOutputs]).toEqual(["cce-kubeconfig:index:Throwaway", ["size"], ["token"]]);
});

test("the type of a URN is the last of its qualified type; control: a parent's type is not taken", () => {
  expect(typeOfUrn("urn:pulumi:dev::proj::cce-kubeconfig:index:ExecKubeconfig::e")).toBe("cce-kubeconfig:index:ExecKubeconfig");
  expect(typeOfUrn("urn:pulumi:dev::proj::my:index:Component$cce-kubeconfig:index:ClusterCertificate::c")).toBe("cce-kubeconfig:index:ClusterCertificate");
  expect(typeOfUrn("urn:pulumi:dev::proj::cce-kubeconfig:index:ClusterCertificate$my:index:Child::c")).toBe("my:index:Child");
});

test("the plugin's resource host dispatches to a resource added to the registry, configured with the provider's config; other types are refused naming the served ones", async () => {
  const calls: string[] = [];
  const entry = throwaway(calls);
  const host = resourceHost(() => ({ RESOURCES: [entry], PACKAGE_NAME: "cce-kubeconfig" }) as never, {});
  const config: StackConfig = { namespace: "cce-kubeconfig", get: (key) => (key === "cce-kubeconfig:region" ? "eu-west-101" : undefined) };
  await host.configure(config);
  const request = { getUrn: () => "urn:pulumi:dev::proj::cce-kubeconfig:index:Throwaway::t" };
  const { resource, operations } = await host.forRequest(request);
  expect(resource).toBe(entry);
  expect(await operations.check({}, { size: 1 })).toEqual({ inputs: { size: 1, region: "eu-west-101" }, failures: [] });
  // One set of operations per type: the same one serves the next request.
  await (await host.forRequest(request)).operations.delete("t", {});
  expect(calls).toEqual(["delete"]);
  // A type field, when the engine sends one, is taken over the URN.
  expect((await host.forRequest({ getUrn: () => "urn:pulumi:dev::proj::x:index:Y::t", getType: () => entry.type })).resource).toBe(entry);

  const refused = host.forRequest({ getUrn: () => "urn:pulumi:dev::proj::cce-kubeconfig:index:ClusterCertificate::c" });
  await expect(refused).rejects.toThrow(InvalidInputError);
  await expect(refused).rejects.toThrow('type: "cce-kubeconfig:index:ClusterCertificate" is not a resource of the cce-kubeconfig provider, which serves cce-kubeconfig:index:Throwaway');
});
