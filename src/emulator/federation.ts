/**
 * OIDC federation as IAM serves it, on the emulator's own origin: `POST
 * /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id` exchanges an ID token a trusted identity provider
 * signed (a CI job's, say) for an IAM token in `X-Subject-Token`, optionally project-scoped. The
 * token is issued by IamState like a password sign-in's, so CCE, `securitytokens` (the token
 * method) and `expireTokens` treat it alike. Errors are in IAM's shape and never echo the ID token.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidInputError } from "../errors";
import { headerValue } from "../http/headers";
import { iamError, parseJson, record, stableId, text, type IamState } from "./iam";
import { isSupportedKey, publicKeyOf, shown, verifyIdToken, type IdTokenPolicy } from "./jwt";
import { sendJson } from "./responses";
import type { EmulatorIdentityProvider } from "./types";

export const ID_TOKEN_PATH = "/v3.0/OS-AUTH/id-token/tokens";

export function isIdTokenCall(path: string): boolean {
  return path.replace(/\/+$/, "") === ID_TOKEN_PATH;
}

/** An identity provider with its key parsed once, at start. */
interface TrustedProvider extends IdTokenPolicy {
  id: string;
  userId: string;
}

/** Checks and parses the configured providers; throws InvalidInputError naming the bad one, never its key. */
export function trustedProviders(providers: readonly EmulatorIdentityProvider[]): TrustedProvider[] {
  const seen = new Set<string>();
  return providers.map((provider, index) => {
    const where = `identityProviders[${index}]`;
    if (!provider.id || !provider.issuer || !provider.audience) throw new InvalidInputError(where, "needs a non-empty id, issuer and audience");
    if (seen.has(provider.id)) throw new InvalidInputError(where, `repeats the id ${provider.id}`);
    seen.add(provider.id);
    const key = publicKeyOf(provider.publicKeyPem);
    if (key === undefined) throw new InvalidInputError(`${where}.publicKeyPem`, "is not a PEM public key");
    if (!isSupportedKey(key)) throw new InvalidInputError(`${where}.publicKeyPem`, "must be an RSA (RS256) or EC P-256 (ES256) key");
    const trusted: TrustedProvider = { id: provider.id, issuer: provider.issuer, audience: provider.audience, key, userId: provider.userId ?? stableId("idp", provider.id) };
    if (provider.subject !== undefined) trusted.subject = provider.subject;
    return trusted;
  });
}

/** A parsed exchange request: the ID token, and the project scope when one is asked for. */
type ExchangeRequest = { ok: true; idToken: string; scope: Record<string, unknown> | undefined } | { ok: false; message: string };

function parseRequest(body: Buffer): ExchangeRequest {
  const auth = record(parseJson(body)?.["auth"]);
  const idToken = text(record(auth["id_token"])["id"]);
  if (idToken === undefined) return { ok: false, message: "The request body must hold auth.id_token.id." };
  if (auth["scope"] === undefined) return { ok: true, idToken, scope: undefined };
  const project = record(record(auth["scope"])["project"]);
  if (text(project["id"]) === undefined && text(project["name"]) === undefined) {
    return { ok: false, message: "auth.scope must name a project by id or name." };
  }
  return { ok: true, idToken, scope: project };
}

export class IdTokenExchange {
  private exchanges = 0;

  constructor(
    private readonly providers: readonly TrustedProvider[],
    private readonly iam: IamState,
    private readonly now: () => Date,
  ) {}

  /** ID tokens exchanged for an IAM token so far. */
  count(): number {
    return this.exchanges;
  }

  /** Answers one exchange; returns the status sent. */
  handle(req: IncomingMessage, res: ServerResponse, requestId: string, body: Buffer): number {
    if (req.method !== "POST") return iamError(res, requestId, 404, "The resource could not be found.");
    const request = parseRequest(body);
    if (!request.ok) return iamError(res, requestId, 400, request.message);
    const idpId = headerValue(req.headers, "x-idp-id");
    const provider = this.providers.find((p) => p.id === idpId);
    if (provider === undefined) {
      const named = idpId === undefined ? "named by no X-Idp-Id header" : shown(idpId);
      return iamError(res, requestId, 404, `The identity provider ${named} does not exist.`);
    }
    // The token is verified before the scope is looked at, so an outsider learns nothing of the projects.
    const verdict = verifyIdToken(request.idToken, provider, this.now());
    if (!verdict.ok) return iamError(res, requestId, 401, `The ID token is not accepted: ${verdict.reason}.`);
    const scoped = request.scope === undefined ? ({ ok: true, projectId: undefined } as const) : this.iam.projectOf(request.scope);
    if (!scoped.ok) return iamError(res, requestId, 401, scoped.message);
    if (scoped.projectId !== undefined && !this.iam.hasProject(scoped.projectId)) {
      return iamError(res, requestId, 404, `Could not find project: ${scoped.projectId}.`);
    }
    this.answer(res, requestId, provider, verdict.claims, scoped.projectId);
    this.exchanges += 1;
    return 201;
  }

  private answer(res: ServerResponse, requestId: string, provider: TrustedProvider, claims: Readonly<Record<string, unknown>>, projectId: string | undefined): void {
    const { token, issuedAt, expiresAt } = this.iam.issueToken(provider.userId, projectId);
    // A federated user is named after the token's subject, as IAM's conversion rules commonly map it.
    const name = text(claims["sub"]) ?? `federated-${provider.id}`;
    const body = {
      token: {
        methods: ["mapped"],
        issued_at: issuedAt.toISOString(),
        expires_at: expiresAt.toISOString(),
        ...(projectId === undefined ? {} : { project: { id: projectId, name: this.iam.nameOfProject(projectId) } }),
        user: {
          id: provider.userId,
          name,
          domain: { id: stableId("domain", "emulator"), name: "emulator" },
          "OS-FEDERATION": { identity_provider: { id: provider.id }, protocol: { id: "oidc" }, groups: [] },
        },
      },
    };
    sendJson(res, requestId, 201, body, { "X-Subject-Token": token });
  }
}
