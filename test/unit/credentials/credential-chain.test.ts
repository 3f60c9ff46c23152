/**
 * The chain is its array (issue 19, item 1): adding a source is one module and one line. A
 * throwaway source with its own method kind, added in the test, appears in the order text, the
 * README table, the conflict warning, the no-credentials error, the chosen method and the exec
 * cache identity; the real chain (the control) has none of it.
 */
import {
  CREDENTIAL_CHAIN,
  conflictWarning,
  credentialIdentity,
  credentialOrderTable,
  credentialSlot,
  noCredentialsMessage,
  orderText,
  resolveAuthSettings,
  signingLayers,
  type AuthMethod,
  type ChainSource,
} from "../../../src/credentials";
import { EMPTY_CONFIG } from "../../../src/config/settings";
import { callContext } from "../../../src/api/client";
import { stackConfig } from "../../helpers/stack-config";

/** A vault that hands out keys by a role name: its own kind, its own layer, its own identity. */
const vault: ChainSource = {
  label: "a test vault",
  row: { config: "(none: the vault's environment)", env: "`TEST_VAULT_ROLE`", note: "a throwaway source" },
  lookedAt: () => "TEST_VAULT_ROLE",
  detect: (read) => {
    const role = read.variable("TEST_VAULT_ROLE");
    return role === undefined ? undefined : ({ kind: "vault", role, from: "TEST_VAULT_ROLE" } as unknown as AuthMethod);
  },
  methods: [
    {
      kind: "vault",
      label: "a vault role",
      layer: (method) => ({ key: "vault", issued: false, get: async () => ({ kind: "token", token: `vault-token-for-${(method as unknown as { role: string }).role}` }), project: async () => undefined }),
      identity: (method) => ({ kind: "vault", role: (method as unknown as { role: string }).role }),
      rotates: () => false,
    },
  ],
};

/** The real chain with the vault's one line, after the IAM token. */
const withVault = [...CREDENTIAL_CHAIN.slice(0, 3), vault, ...CREDENTIAL_CHAIN.slice(3)];

test("a source added by one line appears in the order, the table, the warning, the error and the cache identity (control: the real chain has none)", async () => {
  expect(orderText(withVault)).toContain("an IAM token, then a test vault, then an access key pair");
  expect(orderText()).not.toContain("a test vault");
  expect(credentialOrderTable(withVault).split("\n")[5]).toBe("| 4 | a test vault | (none: the vault's environment) | `TEST_VAULT_ROLE` | a throwaway source |");
  expect(credentialOrderTable()).not.toContain("vault");
  expect(noCredentialsMessage(EMPTY_CONFIG, {}, withVault)).toMatch(/HW_AUTH_TOKEN; TEST_VAULT_ROLE; huaweicloud:accessKey/);
  expect(noCredentialsMessage(EMPTY_CONFIG, {})).not.toContain("TEST_VAULT_ROLE");

  const env = { TEST_VAULT_ROLE: "deployer", HW_ACCESS_KEY: "KEY00000000000000001", HW_SECRET_KEY: "s" };
  const settings = resolveAuthSettings(stackConfig({}), env, withVault);
  expect(settings.method).toEqual({ kind: "vault", role: "deployer", from: "TEST_VAULT_ROLE" });
  expect(settings.ignored).toEqual(["an access key pair (HW_ACCESS_KEY + HW_SECRET_KEY)"]);
  expect(conflictWarning(settings, withVault)).toContain("using a vault role (TEST_VAULT_ROLE) and ignoring an access key pair");
  expect(resolveAuthSettings(stackConfig({}), env).method.kind).toBe("aksk");

  // The cache identity comes from the vault's own behaviour: two roles, two identities; one role, one.
  const other = resolveAuthSettings(stackConfig({}), { TEST_VAULT_ROLE: "auditor" }, withVault);
  expect(credentialIdentity(settings, new Date(), withVault)).not.toBe(credentialIdentity(other, new Date(), withVault));
  expect(credentialIdentity(settings, new Date(), withVault)).toBe(credentialIdentity(resolveAuthSettings(stackConfig({}), env, withVault), new Date(), withVault));
  expect(credentialSlot(settings, "id", withVault)).toBe("id");
  // The real chain does not know the kind: it says so instead of guessing an identity.
  expect(() => credentialIdentity(settings)).toThrow('no source of the credential chain owns the method kind "vault"');

  // And it signs: the session's layers are the vault's.
  const layers = signingLayers(settings, { project: { id: "p" }, authUrl: () => "https://iam.example/v3", context: callContext({}) }, withVault);
  await expect(layers[0]!.get()).resolves.toEqual({ kind: "token", token: "vault-token-for-deployer" });
});

test("every method kind a source can return is owned by exactly one module of the chain", () => {
  const kinds = CREDENTIAL_CHAIN.flatMap((s) => (s.methods ?? []).map((m) => m.kind));
  expect([...kinds].sort()).toEqual(["aksk", "ecs", "oidc", "password", "pod", "token"]);
  expect(new Set(kinds).size).toBe(kinds.length);
});
