/**
 * The official Go and Python SDKs' key variables: `HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK`
 * (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`), with `HUAWEICLOUD_SDK_PROJECT_ID` as the project those keys
 * act in. Read as the SDKs' EnvCredentialProvider reads them, so a machine set up for SDK scripts
 * needs nothing more. After every `HW_*` source: those are this package's and the Terraform
 * provider's own names, which a user sets for this stack on purpose.
 */
import { CredentialsError } from "../errors";
import { keyPairMethod } from "./key-pair";
import type { ChainSource } from "./source";

export const SDK_ENV = {
  accessKey: "HUAWEICLOUD_SDK_AK",
  secretKey: "HUAWEICLOUD_SDK_SK",
  securityToken: "HUAWEICLOUD_SDK_SECURITY_TOKEN",
  projectId: "HUAWEICLOUD_SDK_PROJECT_ID",
} as const;

export const sdkEnvironment: ChainSource = {
  label: "the Huawei Cloud SDKs' access key variables",
  row: {
    config: "(none: the SDKs' environment)",
    env: "`HUAWEICLOUD_SDK_AK` + `HUAWEICLOUD_SDK_SK` (+ `HUAWEICLOUD_SDK_SECURITY_TOKEN`, `HUAWEICLOUD_SDK_PROJECT_ID`)",
    note: "what the official Go and Python SDKs read first; after every `HW_*` setting, which names this stack's intent, and before the SDKs' file",
  },
  lookedAt: () => `the SDKs' ${SDK_ENV.accessKey} + ${SDK_ENV.secretKey}`,
  detect(read, earlierComplete) {
    const accessKey = read.variable(SDK_ENV.accessKey);
    const secretKey = read.variable(SDK_ENV.secretKey);
    if (accessKey === undefined && secretKey === undefined) return undefined;
    if (accessKey === undefined || secretKey === undefined) {
      if (earlierComplete) return undefined;
      throw new CredentialsError(`${accessKey === undefined ? SDK_ENV.secretKey : SDK_ENV.accessKey} is set but not ${accessKey === undefined ? SDK_ENV.accessKey : SDK_ENV.secretKey}: set both, or unset it`);
    }
    return keyPairMethod(accessKey, secretKey, read.variable(SDK_ENV.securityToken), `${SDK_ENV.accessKey} + ${SDK_ENV.secretKey}`, read.variable(SDK_ENV.projectId));
  },
};
