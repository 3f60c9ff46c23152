/**
 * The official Go and Python SDKs' OIDC variables: `HUAWEICLOUD_SDK_IDP_ID` +
 * `HUAWEICLOUD_SDK_ID_TOKEN_FILE` (with `HUAWEICLOUD_SDK_PROJECT_ID`). Exchanged like this
 * package's own OIDC settings (oidc.ts owns the `oidc` kind), the file read at each exchange.
 * Before the SDKs' key variables, because the SDKs themselves take the identity provider over
 * keys when both are set.
 */
import { CredentialsError } from "../errors";
import { SDK_ENV } from "./sdk-environment";
import type { ChainSource } from "./source";
import type { AuthMethod } from "./types";

const IDP_ID = "HUAWEICLOUD_SDK_IDP_ID";
const ID_TOKEN_FILE = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";

export const sdkOidc: ChainSource = {
  label: "the Huawei Cloud SDKs' OIDC variables",
  row: {
    config: "(none: the SDKs' environment)",
    env: "`HUAWEICLOUD_SDK_IDP_ID` + `HUAWEICLOUD_SDK_ID_TOKEN_FILE` (+ `HUAWEICLOUD_SDK_PROJECT_ID`)",
    note: "exchanged like OIDC federation above; before the SDKs' keys, as the SDKs take it over keys when both are set",
  },
  lookedAt: () => `the SDKs' ${IDP_ID} + ${ID_TOKEN_FILE}`,
  detect(read) {
    const idpId = read.variable(IDP_ID);
    const file = read.variable(ID_TOKEN_FILE);
    if (idpId === undefined && file === undefined) return undefined;
    if (idpId === undefined || file === undefined) {
      throw new CredentialsError(`${idpId === undefined ? ID_TOKEN_FILE : IDP_ID} is set but not ${idpId === undefined ? IDP_ID : ID_TOKEN_FILE}: set both (the identity provider's id and the file the CI writes its OIDC token to)`);
    }
    const method: AuthMethod = { kind: "oidc", idpId, idToken: { file, from: ID_TOKEN_FILE }, from: `${IDP_ID} + ${ID_TOKEN_FILE}` };
    const projectId = read.variable(SDK_ENV.projectId);
    return projectId === undefined ? method : { ...method, projectId };
  },
};
