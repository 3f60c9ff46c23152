/**
 * Inputs the schema does not know are refused, naming the closest known one. Without this a
 * JavaScript program's `durtion: 30` or `kind: "autopilot"` is dropped and the defaults apply
 * (a 365-day certificate for a standard cluster), where Terraform refuses the argument.
 */
import type { CheckFailure } from "../config/checked";

/** Inputs the engine or the SDK adds on its own, never a user's. */
const HOST_INPUTS: ReadonlySet<string> = new Set(["__provider"]);

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length]!;
}

/**
 * The known name the user most likely meant: one that contains the given name or is contained in
 * it (`kind` → `clusterKind`, `clusterIdentifier` → `clusterId`), else the nearest by edit
 * distance within a third of its length (`durtion` → `duration`); undefined when none is close.
 */
export function closestName(given: string, known: readonly string[]): string | undefined {
  const lower = given.toLowerCase();
  const containing = known.filter((k) => k.toLowerCase().includes(lower) || lower.includes(k.toLowerCase()));
  if (lower.length >= 3 && containing.length > 0) {
    return containing.reduce((best, k) => (editDistance(given, k) < editDistance(given, best) ? k : best));
  }
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(given.length / 3)) + 1;
  for (const k of known) {
    const d = editDistance(given, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** A failure for each input in `news` that is not one of `known` (undefined values are not inputs). */
export function unknownInputFailures(news: Record<string, unknown>, known: readonly string[], resource: string): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const [name, value] of Object.entries(news)) {
    if (value === undefined || HOST_INPUTS.has(name) || known.includes(name)) continue;
    const closest = closestName(name, known);
    const hint = closest === undefined ? `the inputs are ${known.join(", ")}` : `did you mean ${closest}?`;
    failures.push({ property: name, reason: `is not an input of ${resource}: ${hint}` });
  }
  return failures;
}
