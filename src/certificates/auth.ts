/**
 * How a mint or revoke signs in: the credential method of this call, with the warning when more
 * than one is configured (the IAM URL a password sign-in or an agency needs is the operation's
 * resolved settings', settings/resolve.ts).
 */
import { conflictWarning, type AuthSettings } from "../credentials";
import type { ResolvedSettings } from "../settings/resolve";
import type { Session } from "./session";

/** The credential chain of this call (the operation's `who`); a conflict between methods is shown once per session. */
export function authSettings(session: Session, resolved: ResolvedSettings): AuthSettings {
  const settings = resolved.who();
  const warning = conflictWarning(settings);
  if (warning !== undefined) session.warnOnce(warning);
  return settings;
}
