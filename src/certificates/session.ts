/**
 * What every mint and revoke of one caller shares: where settings and credentials are read, the
 * clock, the stack config, client options, and how a warning reaches the user. The dynamic
 * provider and the plugin make one per set of operations; the `cce-kubeconfig` command one per call.
 */
import type { CceClientOptions } from "../api/client";
import { EMPTY_CONFIG, type Environment, type StackConfig } from "../config/settings";
import { resolveSettings, type ResolvedSettings } from "../settings/resolve";

export interface SessionOptions {
  /** Where `HW_*` settings and credentials are read, at each call. @default process.env */
  env?: Environment;
  /** The clock that signs requests. @default () => new Date() */
  clock?: () => Date;
  /** Client options beyond endpoint, project and credentials (waits, a dispatcher), for tests. */
  client?: Pick<CceClientOptions, "sleep" | "random" | "dispatcher" | "timeoutMs">;
  /**
   * Shows the user a warning (it never holds a secret). No default: each host shows warnings its
   * own way (the engine's output, the command's stderr), and the engine's is no business of this core.
   */
  warn: (message: string) => void | Promise<void>;
  /** The provider's stack config, read at each call (the provider's `configure` may change it). @default none */
  stackConfig?: () => StackConfig;
}

export interface Session {
  env(): Environment;
  clock(): Date;
  stackConfig(): StackConfig;
  client: SessionOptions["client"];
  /** Shows `message` once per session: one warning per distinct conflict, not one per call. */
  warnOnce(message: string): void;
}

export function createSession(options: SessionOptions): Session {
  const warned = new Set<string>();
  return {
    env: () => options.env ?? process.env,
    clock: options.clock ?? (() => new Date()),
    stackConfig: options.stackConfig ?? (() => EMPTY_CONFIG),
    client: options.client,
    warnOnce(message) {
      if (warned.has(message)) return;
      warned.add(message);
      // A warning the engine cannot take must never fail the mint it is about.
      void Promise.resolve(options.warn(message)).catch(() => undefined);
    },
  };
}

/** The settings of one operation (a mint, a revoke, a refresh), resolved once from the session's stack config and environment. */
export const operationSettings = (session: Session): ResolvedSettings => resolveSettings({ config: session.stackConfig(), env: session.env() });

/** Options of every call of an operation: IAM calls share the CCE calls' retries, timeouts and connection pool. */
export const callOptions = (session: Session, settings: ResolvedSettings) => ({
  ...session.client,
  retry: { maxRetries: settings.how.maxRetries },
  clock: () => session.clock(),
});
