/**
 * Credentials: the chain of sources (chain.ts, one module per source), the agency on top, the
 * session that signs calls with them, and the identity the exec cache keys on. Hosts and the
 * mint path import from here; the API layer imports only ./types.
 */
export type { Agency, AuthMethod, AuthSettings, CceCredentials, IamUser, IdTokenSource } from "./types";
export type { ChainSource, Layer, LayerOptions, MethodBehaviour, SettingsReader, SourceRow } from "./source";
export { CREDENTIAL_CHAIN, conflictWarning, credentialOrderTable, methodBehaviour, methodName, noCredentialsMessage, orderText, resolveAuthSettings, signingLayers } from "./chain";
export { resolveAgency } from "./agency";
export { resolveProfile } from "./koocli-profile";
export { credentialIdentity, credentialSlot } from "./identity";
export { credentialSource, forgetIssuedCredentials, projectIdFor, type ProjectSettingNames, type SessionOptions } from "./session";
export { renewalTime } from "./layers";
export { readIdToken } from "./id-token";
export { credentialsProject, methodProjectId, type CredentialsProject } from "./named-project";
