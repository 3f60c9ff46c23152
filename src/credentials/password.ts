/**
 * A password sign-in (`password` with `userName` + `domainName`/`domainId`, or with `userId`): IAM
 * users only. Owns the `password` kind: a project-scoped token from IAM, kept in memory until
 * shortly before it expires, and named in the exec cache by its user. A user id wins over a name
 * (it needs no account).
 */
import { CredentialsError } from "../errors";
import { cachedLayer, hash } from "./layers";
import type { ChainSource, MethodBehaviour, SettingsReader } from "./source";
import type { AuthMethod, IamUser } from "./types";

type Password = Extract<AuthMethod, { kind: "password" }>;

/** The user of a password sign-in, or why it is incomplete. */
function passwordUser(read: SettingsReader): IamUser | string {
  const id = read.either("userId");
  if (id !== undefined) return { id };
  const name = read.either("userName");
  if (name === undefined) {
    return `${read.both("password")} is set, but no user: set ${read.both("userName")} (with the account name) or ${read.both("userId")}`;
  }
  const domainId = read.either("domainId");
  const domainName = read.either("domainName");
  if (domainId !== undefined) return { name, domain: { id: domainId } };
  if (domainName !== undefined) return { name, domain: { name: domainName } };
  return (
    `a password sign-in by user name needs the account (domain) name: set ${read.both("domainName")} ` +
    `or ${read.both("domainId")} (the account name is the one shown at sign-in, not the IAM user name)`
  );
}

export const passwordBehaviour: MethodBehaviour = {
  kind: "password",
  label: "a password sign-in",
  layer(method, options) {
    const { user, password } = method as Password;
    const authUrl = options.authUrl();
    const key = hash("password", authUrl, options.project, user, hash(password));
    return cachedLayer(key, options.context.clock, async () => (await import("../api/iam")).signInWithPassword(authUrl, user, password, options.project, options.context));
  },
  identity: (method) => ({ kind: "password", user: (method as Password).user }),
  rotates: () => false,
};

export const password: ChainSource = {
  label: "a password sign-in",
  row: {
    config: "`password` + `userName` + `domainName` (or `domainId`), or + `userId`",
    env: "`HW_USER_PASSWORD` + `HW_USER_NAME` + `HW_DOMAIN_NAME` (or `HW_DOMAIN_ID`), or + `HW_USER_ID`",
    note: "IAM users only; a project-scoped token kept in memory",
  },
  lookedAt: (read) => `${read.both("password")} + ${read.both("userName")} + ${read.both("domainName")} (or ${read.both("domainId")}), or + ${read.both("userId")}`,
  detect(read, earlierComplete) {
    const value = read.either("password");
    if (value === undefined) return undefined;
    const user = passwordUser(read);
    if (typeof user !== "string") return { kind: "password", user, password: value, from: `${read.where("password")} + ${read.where("id" in user ? "userId" : "userName")}` };
    // Half set, with a complete source before it: that one is used, and this one is not complete to name.
    if (earlierComplete) return undefined;
    throw new CredentialsError(user);
  },
  methods: [passwordBehaviour],
};
