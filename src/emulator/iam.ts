/**
 * The emulator's IAM, on the CCE server's own origin (`{url}/v3`): password sign-in for a
 * project-scoped token (`POST /v3/auth/tokens`), and temporary keys
 * (`POST /v3.0/OS-CREDENTIAL/securitytokens`) of an agency or of a token's own user, in IAM's
 * error shape. The ID token exchange (federation.ts) issues its tokens here too. What it issues, auth.ts then
 * accepts on CCE calls until it expires (its `expires_at` on the emulator's clock) or a test
 * revokes it (`expireTokens`). One origin keeps the emulator one server: a user sets
 * `HW_AUTH_URL={url}/v3` beside `HW_CCE_ENDPOINT={url}`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { DAY_MS, MINUTE_MS } from "../constants";
import { headerValue } from "../http/headers";
import { authenticate, secretEquals, type AuthContext, type IssuedLookup, type IssuedMatch } from "./auth";
import { sendJson } from "./responses";
import type { EmulatorAgency, EmulatorCredential, EmulatorUser } from "./types";

/** IAM's limits on `duration_seconds` of an agency's temporary keys: 15 minutes to 24 hours. */
const MIN_AGENCY_SECONDS = (15 * MINUTE_MS) / 1000;
const MAX_AGENCY_SECONDS = DAY_MS / 1000;

export type IamCall = "tokens" | "securitytokens" | "projects";

/** The emulator's projects as IAM sees them: by id, and by IAM project name. */
export interface ProjectDirectory {
  has(projectId: string): boolean;
  /** The ids of the projects with this name, in the order they were added. */
  named(name: string): string[];
  nameOf(projectId: string): string | undefined;
}

/** The IAM call a path names, or undefined when it is not an IAM path. */
export function iamCall(path: string): IamCall | undefined {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "/v3/auth/tokens") return "tokens";
  if (trimmed === "/v3.0/OS-CREDENTIAL/securitytokens") return "securitytokens";
  if (trimmed === "/v3/projects") return "projects";
  return undefined;
}

/** Who an issued credential belongs to, and until when it works. */
interface Issued {
  userId: string;
  /** The project a token is scoped to; temporary keys have none. */
  projectId?: string;
  expiresAt: Date;
  /** Set by expireTokens: IAM revoked it before its expiry. */
  revoked?: boolean;
}


export const stableId = (...parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);

/** IAM's error shape: `{"error": {"code", "message", "title"}}`. */
export function iamError(res: ServerResponse, requestId: string, status: number, message: string): number {
  sendJson(res, requestId, status, { error: { code: status, message, title: STATUS_CODES[status] ?? "Error" } });
  return status;
}

export function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const record = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
export const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

export class IamState {
  private readonly tokens = new Map<string, Issued>();
  private readonly keys = new Map<string, Issued & { credential: EmulatorCredential }>();
  private signIns = 0;
  /** Accepted CCE requests (by issued credentials) left before an armed revocation; undefined: none armed. */
  private revokeAfter: number | undefined;

  constructor(
    private readonly users: readonly EmulatorUser[],
    private readonly agencies: readonly EmulatorAgency[],
    private readonly now: () => Date,
    private readonly tokenLifetimeMs: number,
    private readonly projects: ProjectDirectory,
  ) {}

  signInCount(): number {
    return this.signIns;
  }


  /** See Emulator.expireTokens. */
  expire(afterUses: number): void {
    this.revokeAfter = afterUses;
    if (afterUses === 0) this.revokeAll();
  }

  private revokeAll(): void {
    this.revokeAfter = undefined;
    for (const issued of [...this.tokens.values(), ...this.keys.values()]) issued.revoked = true;
  }

  /** One accepted CCE request by an issued credential: counts towards an armed revocation. */
  private counted(): void {
    if (this.revokeAfter === undefined) return;
    this.revokeAfter -= 1;
    if (this.revokeAfter <= 0) this.revokeAll();
  }

  /** Every token and temporary key pair issued so far, for tests that prove they leak nowhere. */
  issued(): { tokens: string[]; credentials: EmulatorCredential[] } {
    return { tokens: [...this.tokens.keys()], credentials: [...this.keys.values()].map((k) => ({ ...k.credential })) };
  }

  // Issued tokens are found by map lookup, not compared in constant time: they are random and this is a test server.
  token(token: string): IssuedLookup<object> {
    const issued = this.tokens.get(token);
    return issued === undefined ? undefined : this.match(issued, {});
  }

  key(accessKey: string): IssuedLookup<{ credential: EmulatorCredential }> {
    const issued = this.keys.get(accessKey);
    return issued === undefined ? undefined : this.match(issued, { credential: issued.credential });
  }

  private match<T extends object>(issued: Issued, extra: T): IssuedLookup<T> {
    if (issued.revoked === true || this.now().getTime() >= issued.expiresAt.getTime()) return { ok: false, reason: "the credential has expired" };
    const admin = this.users.some((user) => user.admin === true && this.userId(user) === issued.userId);
    const match: IssuedMatch = { userId: issued.userId, admin, use: () => this.counted() };
    if (issued.projectId !== undefined) match.projectId = issued.projectId;
    return { ok: true, ...match, ...extra };
  }

  /** Temporary keys for `userId`, accepted by CCE for `lifetimeMs` (agencies, and the ECS metadata service). */
  issueTemporaryKeys(userId: string, lifetimeMs: number): { credential: Required<Omit<EmulatorCredential, "admin">>; expiresAt: Date } {
    // Shaped like IAM's: a 20-character uppercase AK, a 40-character SK, a long security token.
    const credential = {
      accessKey: randomBytes(10).toString("hex").toUpperCase(),
      secretKey: randomBytes(30).toString("base64url"),
      securityToken: `gQpjbi1ub3J0aC${randomBytes(96).toString("base64url")}`,
    };
    const expiresAt = new Date(this.now().getTime() + lifetimeMs);
    this.keys.set(credential.accessKey, { userId, expiresAt, credential });
    return { credential, expiresAt };
  }

  /** A token for `userId`, accepted by CCE (and by securitytokens) for the configured token life. */
  issueToken(userId: string, projectId: string | undefined): { token: string; issuedAt: Date; expiresAt: Date } {
    const token = `MII${randomBytes(96).toString("base64url")}`;
    const issuedAt = this.now();
    const expiresAt = new Date(issuedAt.getTime() + this.tokenLifetimeMs);
    this.tokens.set(token, projectId === undefined ? { userId, expiresAt } : { userId, projectId, expiresAt });
    return { token, issuedAt, expiresAt };
  }

  /**
   * The project a sign-in's `scope.project` names: its `id` as given, else the one project with
   * its `name` (more or fewer is refused, as IAM does); undefined when it names neither.
   */
  projectOf(scope: Record<string, unknown>): { ok: true; projectId: string | undefined } | { ok: false; message: string } {
    const name = text(scope["name"]);
    const byName = name === undefined ? undefined : this.projects.named(name);
    if (byName !== undefined && byName.length !== 1) return { ok: false, message: `Could not find a single project named ${name}.` };
    return { ok: true, projectId: text(scope["id"]) ?? byName?.[0] };
  }

  hasProject(projectId: string): boolean {
    return this.projects.has(projectId);
  }

  nameOfProject(projectId: string): string {
    return this.projects.nameOf(projectId) ?? projectId;
  }

  private userId(user: EmulatorUser): string {
    return user.id ?? stableId("user", user.domainName, user.name);
  }

  /** Answers one IAM call; returns the status sent and how the caller authenticated. */
  handle(
    call: IamCall,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: Buffer,
    auth: AuthContext,
  ): { status: number; auth: "aksk" | "token" | "password" | "none" } {
    if (call === "projects") return this.listProjects(req, res, requestId, body, auth);
    if (req.method !== "POST") return { status: iamError(res, requestId, 404, "The resource could not be found."), auth: "none" };
    if (call === "tokens") return this.signIn(res, requestId, body);
    const methods = record(record(parseJson(body)?.["auth"])["identity"])["methods"];
    // Only a request naming the token method alone is one: assume_role requests stay as they were.
    const tokenMethod = Array.isArray(methods) && methods.includes("token") && !methods.includes("assume_role");
    return tokenMethod ? this.tokenKeys(req, res, requestId, body, auth) : this.assumeRole(req, res, requestId, body, auth);
  }

  /**
   * `GET /v3/projects?name=`: the projects of that name, with IAM's `X-IAM-Trace-Id` header (the
   * id a lookup error quotes). Any authenticated caller may list; IAM needs no more for one name.
   */
  private listProjects(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: Buffer,
    auth: AuthContext,
  ): { status: number; auth: "aksk" | "token" | "none" } {
    const trace = { "X-IAM-Trace-Id": `trace-${requestId}` };
    if (req.method !== "GET") return { status: iamError(res, requestId, 404, "The resource could not be found."), auth: "none" };
    const caller = authenticate({ method: "GET", rawUrl: req.url ?? "/", headers: req.headers, body }, auth);
    if (!caller.ok) {
      sendJson(res, requestId, 401, { error: { code: 401, message: `The request you have made requires authentication: ${caller.reason}.`, title: "Unauthorized" } }, trace);
      return { status: 401, auth: "none" };
    }
    const name = new URL(req.url ?? "/", "http://emulator").searchParams.get("name");
    const ids = name === null ? [] : this.projects.named(name);
    const projects = ids.map((id) => ({ id, name, enabled: true, domain_id: stableId("domain", "emulator"), parent_id: stableId("domain", "emulator") }));
    sendJson(res, requestId, 200, { projects, links: { self: `${req.url ?? ""}` } }, trace);
    return { status: 200, auth: caller.kind };
  }

  private signIn(res: ServerResponse, requestId: string, body: Buffer): { status: number; auth: "password" | "none" } {
    const identity = record(record(parseJson(body)?.["auth"])["identity"]);
    const scope = record(record(record(parseJson(body)?.["auth"])["scope"])["project"]);
    const methods = identity["methods"];
    if (!Array.isArray(methods) || !methods.includes("password")) {
      return { status: iamError(res, requestId, 400, "The request body must name the password method."), auth: "none" };
    }
    const user = record(record(identity["password"])["user"]);
    const scoped = this.projectOf(scope);
    if (!scoped.ok) return { status: iamError(res, requestId, 401, scoped.message), auth: "none" };
    const projectId = scoped.projectId;
    if (projectId === undefined) return { status: iamError(res, requestId, 400, "Only a project-scoped token (scope.project.id or .name) is emulated."), auth: "none" };

    const domain = record(user["domain"]);
    const found = this.users.find((u) =>
      text(user["id"]) !== undefined
        ? this.userId(u) === user["id"]
        : u.name === user["name"] &&
          (text(domain["id"]) !== undefined ? (u.domainId ?? stableId("domain", u.domainName)) === domain["id"] : u.domainName === domain["name"]),
    );
    // Unknown user and wrong password answer alike, so a caller cannot tell which names exist.
    if (found === undefined || !secretEquals(found.password, typeof user["password"] === "string" ? user["password"] : "")) {
      return { status: iamError(res, requestId, 401, "The username or password is wrong."), auth: "none" };
    }
    if (found.locked === true) return { status: iamError(res, requestId, 401, "The account is locked."), auth: "none" };
    if (!this.projects.has(projectId)) return { status: iamError(res, requestId, 404, `Could not find project: ${projectId}.`), auth: "none" };

    const userId = this.userId(found);
    const { token, issuedAt, expiresAt } = this.issueToken(userId, projectId);
    this.signIns += 1;
    sendJson(
      res,
      requestId,
      201,
      {
        token: {
          methods: ["password"],
          issued_at: issuedAt.toISOString(),
          expires_at: expiresAt.toISOString(),
          project: { id: projectId, name: this.nameOfProject(projectId) },
          user: { id: userId, name: found.name, domain: { id: found.domainId ?? stableId("domain", found.domainName), name: found.domainName } },
        },
      },
      { "X-Subject-Token": token },
    );
    return { status: 201, auth: "password" };
  }

  private assumeRole(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: Buffer,
    auth: AuthContext,
  ): { status: number; auth: "aksk" | "token" | "none" } {
    const caller = authenticate({ method: req.method ?? "POST", rawUrl: req.url ?? "/", headers: req.headers, body }, auth);
    if (!caller.ok) return { status: iamError(res, requestId, 401, `The request you have made requires authentication: ${caller.reason}.`), auth: "none" };

    const identity = record(record(parseJson(body)?.["auth"])["identity"]);
    const assume = record(identity["assume_role"]);
    const methods = identity["methods"];
    if (!Array.isArray(methods) || !methods.includes("assume_role") || text(assume["agency_name"]) === undefined) {
      return { status: iamError(res, requestId, 400, "The request body must name the assume_role method and an agency_name."), auth: caller.kind };
    }
    const seconds = durationSeconds(assume);
    if (seconds === undefined) return { status: durationError(res, requestId), auth: caller.kind };
    const agency = this.agencies.find(
      (a) =>
        a.name === assume["agency_name"] &&
        (text(assume["domain_id"]) !== undefined ? (a.domainId ?? stableId("domain", a.domainName)) === assume["domain_id"] : a.domainName === assume["domain_name"]),
    );
    if (agency === undefined) return { status: iamError(res, requestId, 403, "You have no permission to assume this agency, or it does not exist."), auth: caller.kind };

    this.sendKeys(res, requestId, stableId("agency", agency.domainName, agency.name), seconds);
    return { status: 201, auth: caller.kind };
  }

  /**
   * The `token` method: temporary keys of the token's own user (what a federated CI job does
   * after the ID token exchange). The token comes in `token.id`, in `X-Auth-Token`, or in both,
   * which must then agree; any token CCE would accept will do, a password sign-in's included.
   */
  private tokenKeys(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    body: Buffer,
    auth: AuthContext,
  ): { status: number; auth: "token" | "none" } {
    const block = record(record(record(parseJson(body)?.["auth"])["identity"])["token"]);
    const inBody = text(block["id"]);
    const inHeader = headerValue(req.headers, "x-auth-token");
    if (inBody !== undefined && inHeader !== undefined && !secretEquals(inBody, inHeader)) {
      return { status: iamError(res, requestId, 400, "token.id and X-Auth-Token name different tokens."), auth: "none" };
    }
    const token = inBody ?? inHeader;
    const caller = token === undefined ? undefined : authenticate({ method: "POST", rawUrl: req.url ?? "/", headers: { "x-auth-token": token }, body }, auth);
    if (caller?.ok !== true) {
      const reason = token === undefined ? "no token in token.id or X-Auth-Token" : "the token is invalid or expired";
      return { status: iamError(res, requestId, 401, `The request you have made requires authentication: ${reason}.`), auth: "none" };
    }
    const seconds = durationSeconds(block);
    if (seconds === undefined) return { status: durationError(res, requestId), auth: "token" };
    this.sendKeys(res, requestId, caller.userId, seconds);
    return { status: 201, auth: "token" };
  }

  /** Answers 201 with temporary keys of `userId` for `seconds`, in IAM's `credential` shape. */
  private sendKeys(res: ServerResponse, requestId: string, userId: string, seconds: number): void {
    const { credential, expiresAt } = this.issueTemporaryKeys(userId, seconds * 1000);
    sendJson(res, requestId, 201, {
      credential: { access: credential.accessKey, secret: credential.secretKey, securitytoken: credential.securityToken, expires_at: expiresAt.toISOString() },
    });
  }
}

/** A request block's `duration_seconds` (900 when absent), or undefined when outside IAM's limits. */
function durationSeconds(block: Record<string, unknown>): number | undefined {
  const seconds = block["duration_seconds"] ?? MIN_AGENCY_SECONDS;
  const valid = typeof seconds === "number" && Number.isInteger(seconds) && seconds >= MIN_AGENCY_SECONDS && seconds <= MAX_AGENCY_SECONDS;
  return valid ? seconds : undefined;
}

function durationError(res: ServerResponse, requestId: string): number {
  return iamError(res, requestId, 400, `duration_seconds must be an integer from ${MIN_AGENCY_SECONDS} to ${MAX_AGENCY_SECONDS}.`);
}
