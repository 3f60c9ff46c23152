/**
 * The credential types every layer shares. The API layer (src/api/) imports these and nothing
 * else from src/credentials/: it signs with credentials, it never decides where they come from.
 */

/** How a request is authenticated on the wire. */
export type CceCredentials =
  | { kind: "aksk"; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: "token"; token: string };

/** An IAM user as the password sign-in names it: by name within an account (domain), or by id alone. */
export type IamUser = { name: string; domain: { name: string } | { id: string } } | { id: string };

/** The agency whose temporary keys sign CCE calls (`assume_role`). */
export interface Agency {
  agencyName: string;
  /** The account that owns the agency. */
  domain: { name: string } | { id: string };
}

/** Where an OIDC ID token comes from: a value, or a file read at each exchange. */
export type IdTokenSource = { value: string; from: string } | { file: string; from: string };

/**
 * How the caller proves who it is: what one source of the chain found. `kind` says how it is
 * fetched (each kind's behaviour lives in the source module that owns it); `from` names the
 * settings it came from, never a value.
 */
export type AuthMethod =
  | (Extract<CceCredentials, { kind: "aksk" }> & {
      from: string;
      /** The project these keys name (the SDKs' `HUAWEICLOUD_SDK_PROJECT_ID`, `project_id`), used when no project id is set. */
      projectId?: string;
    })
  | (Extract<CceCredentials, { kind: "token" }> & { from: string })
  | { kind: "password"; user: IamUser; password: string; from: string }
  | {
      /** OIDC federation: an ID token exchanged at IAM for a federated token, then temporary keys. */
      kind: "oidc";
      idpId: string;
      idToken: IdTokenSource;
      from: string;
      projectId?: string;
    }
  | {
      /** Inside a CCE pod: temporary keys from the pod identity endpoint, with the pod's token. */
      kind: "pod";
      uri: string;
      tokenFile: string;
      from: string;
    }
  | {
      /** Nothing else is configured: the ECS instance's temporary keys from its metadata service. */
      kind: "ecs";
      metadataUrl: string;
      from: string;
      /** What was looked for, for the error when the metadata service gives no keys either. */
      notFound: string;
    };

/** What the chain resolved: the method used, the agency on top, and the complete methods it ignored. */
export interface AuthSettings {
  method: AuthMethod;
  agency?: Agency;
  /** Other complete methods that are set and ignored, by the names of their settings, for a warning. */
  ignored: string[];
}
