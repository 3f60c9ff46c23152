export { signRequest } from "./sign";
export type { AkSkCredentials, SignableRequest, SignedRequest, SignOptions } from "./sign";
export * from "./canonical";
