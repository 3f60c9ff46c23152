/** The package's contract: the names issue #2 gives, and the types programs rely on. */
import type * as pulumi from "@pulumi/pulumi";
import * as api from "../../src";

test("src/index.ts exports exactly the public names", () => {
  expect(Object.keys(api).sort()).toEqual(
    [
      "CceApiError",
      "CceClient",
      "CceKubeconfigError",
      "CertificateRevocation",
      "certificateRevocationProvider",
      "ClusterCertificate",
      "CredentialsError",
      "EmulatorError",
      "ExecKubeconfig",
      "execCommandPath",
      "execKubeconfigProvider",
      "InvalidInputError",
      "isCceApiError",
      "KubeconfigError",
      "ProjectLookupError",
      "SharedConfigError",
      "clusterCertificateProvider",
      "formatExpireAt",
      "renderKubeconfig",
      "signRequest",
      "startEmulator",
    ].sort(),
  );
});

test("the providers implement every operation the host calls", () => {
  for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
    expect(typeof api.clusterCertificateProvider[method]).toBe("function");
    expect(typeof api.execKubeconfigProvider[method]).toBe("function");
    expect(typeof api.certificateRevocationProvider[method]).toBe("function");
  }
});

test("execCommandPath names the package's built command, dist/exec/main.js", () => {
  const { join, resolve } = require("node:path") as typeof import("node:path");
  // From the sources it resolves beside src/; built, beside dist/provider (checked installed in the engine test).
  expect(api.execCommandPath()).toBe(join(resolve(__dirname, "../../src"), "exec", "main.js"));
});

test("every error is a CceKubeconfigError with a stable code", () => {
  const errors = [
    new api.CceApiError("m", { method: "GET", path: "/p", status: 404 }),
    new api.CredentialsError("m"),
    new api.InvalidInputError("clusterId", "m"),
    new api.KubeconfigError("m"),
    new api.EmulatorError("m"),
    new api.ProjectLookupError("m", "cn-north-4", [], "trace"),
    new api.ProjectLookupError("m", "cn-north-4", ["a", "b"], "trace"),
    new api.SharedConfigError("m", "/home/u/.hcloud/config.json", "current"),
  ];
  expect(errors.map((e) => [e instanceof api.CceKubeconfigError, e.name, e.code])).toEqual([
    [true, "CceApiError", "CCE_API_ERROR"],
    [true, "CredentialsError", "CCE_NO_CREDENTIALS"],
    [true, "InvalidInputError", "CCE_INVALID_INPUT"],
    [true, "KubeconfigError", "CCE_KUBECONFIG_INVALID"],
    [true, "EmulatorError", "CCE_EMULATOR_ERROR"],
    [true, "ProjectLookupError", "CCE_PROJECT_NOT_FOUND"],
    [true, "ProjectLookupError", "CCE_PROJECT_AMBIGUOUS"],
    [true, "SharedConfigError", "CCE_SHARED_CONFIG_INVALID"],
  ]);
});

// Type-level: these lines fail to compile if the promised output types change.
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(): T | undefined => undefined;
assertType<Equals<api.ClusterCertificate["kubeconfig"], pulumi.Output<string>>>();
assertType<Equals<api.ClusterCertificate["expiresAt"], pulumi.Output<string>>>();
assertType<Equals<api.ClusterCertificate["clusterId"], pulumi.Output<string>>>();
assertType<Equals<api.ClusterCertificate["contexts"], pulumi.Output<api.KubeconfigContext[]>>>();
assertType<Equals<api.ClusterCertificateArgs["context"], pulumi.Input<api.ContextChoice> | undefined>>();
assertType<Equals<ReturnType<api.ClusterCertificate["kubernetesProviderArgs"]>, api.KubernetesProviderArgs>>();
assertType<Equals<api.KubernetesProviderArgs, { kubeconfig: pulumi.Output<string>; clusterIdentifier: pulumi.Output<string> }>>();
assertType<Equals<api.ContextChoice, "auto" | "internal" | "external" | "externalTLSVerify">>();
assertType<Equals<api.ExecKubeconfig["kubeconfig"], pulumi.Output<string>>>();
assertType<Equals<api.ExecKubeconfig["server"], pulumi.Output<string>>>();
assertType<Equals<api.ExecKubeconfig["certificateAuthorityData"], pulumi.Output<string>>>();
assertType<Equals<ReturnType<api.ExecKubeconfig["kubernetesProviderArgs"]>, api.KubernetesProviderArgs>>();
assertType<Equals<api.ExecKubeconfigArgs["command"], pulumi.Input<string> | undefined>>();
assertType<Equals<ReturnType<typeof api.execCommandPath>, string>>();
assertType<Equals<Parameters<api.CceClient["revokeCertificates"]>[1], api.RevocationTarget>>();
assertType<Equals<Awaited<ReturnType<api.CceClient["revokeCertificates"]>>, api.CertificateRevocationResult>>();
// Exactly one of the two ids, by type: both (or neither) do not compile.
// @ts-expect-error both ids
const bothIds: api.RevocationTarget = { userId: "a", agencyId: "b" };
void bothIds;
assertType<Equals<api.CertificateRevocation["revokedAt"], pulumi.Output<string>>>();
assertType<Equals<api.CertificateRevocationArgs["triggers"], pulumi.Input<unknown[]> | undefined>>();
// No client credential in the exec resource's outputs, by type.
assertType<Equals<Extract<keyof api.ExecKubeconfigOutputs, "clientCertificateData" | "clientKeyData">, never>>();

test("importing the package installs no global Reflect polyfill until the emulator mints", async () => {
  const { execFile } = await import("node:child_process");
  const { promisify } = await import("node:util");
  const script = `require(${JSON.stringify(require.resolve("../../dist/index.js"))});
    process.stdout.write(String(typeof Reflect.getMetadata));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script]);
  expect(stdout).toBe("undefined");
});
