/**
 * A small validator for the JSON the APIs answer: a check per kind of value, composed into
 * shapes (schemas.ts). Hand-written rather than zod because it is on every call's path and in
 * the client's import: it costs a fraction of zod's time per answer and nothing to load. Issues
 * are `{path, message}` with dotted paths (`users.0.user.client-key-data`), and a message never
 * holds the value it refuses.
 *
 * Objects are loose: fields beyond a shape's are kept as they came, so a kubeconfig repeats its
 * entries exactly.
 */
import type { ResponseIssue } from "../errors";

export type Path = ReadonlyArray<string | number>;

/** Checks `value` at `path`, adds what is wrong to `issues`, and returns the value to keep. */
export type Shape<T> = (value: unknown, path: Path, issues: ResponseIssue[]) => T;

export type Validation<T> = { ok: true; value: T } | { ok: false; issues: ResponseIssue[] };

/** Runs a shape over a whole answer. */
export function validate<T>(shape: Shape<T>, value: unknown): Validation<T> {
  const issues: ResponseIssue[] = [];
  const checked = shape(value, [], issues);
  return issues.length === 0 ? { ok: true, value: checked } : { ok: false, issues };
}

/** Issues of a value of the wrong type: the value cannot be read further (as zod's invalid_type). */
const typeIssues = new WeakSet<ResponseIssue>();

export function issue(issues: ResponseIssue[], path: Path, message: string): void {
  issues.push({ path: path.map(String).join(".") || "(body)", message });
}

function typeIssue(issues: ResponseIssue[], path: Path, message: string): void {
  issue(issues, path, message);
  typeIssues.add(issues[issues.length - 1]!);
}

/** The JSON type of a value, as a message names it. */
function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

const expected = (kind: string, value: unknown) => `Invalid input: expected ${kind}, received ${typeOf(value)}`;

/** A string, then each refinement in turn (all are reported, as a shape reports every issue). */
export function string(...refinements: Array<[(s: string) => boolean, string]>): Shape<string> {
  return (value, path, issues) => {
    if (typeof value !== "string") {
      typeIssue(issues, path, expected("string", value));
      return value as string;
    }
    for (const [holds, message] of refinements) if (!holds(value)) issue(issues, path, message);
    return value;
  };
}

export const boolean: Shape<boolean> = (value, path, issues) => {
  if (typeof value !== "boolean") typeIssue(issues, path, expected("boolean", value));
  return value as boolean;
};

/** A string or a number, as one error body shape's numeric `code`. */
export const stringOrNumber: Shape<string | number> = (value, path, issues) => {
  if (typeof value !== "string" && typeof value !== "number") typeIssue(issues, path, "Invalid input");
  return value as string | number;
};

/** Absent (undefined) or `shape`. */
export function optional<T>(shape: Shape<T>): Shape<T | undefined> {
  return (value, path, issues) => (value === undefined ? undefined : shape(value, path, issues));
}

/** An array of `item`, with at least `min` items (message "is empty"). */
export function array<T>(item: Shape<T>, min = 0): Shape<T[]> {
  return (value, path, issues) => {
    if (!Array.isArray(value)) {
      typeIssue(issues, path, expected("array", value));
      return value as T[];
    }
    const items = value.map((v, i) => item(v, [...path, i], issues));
    if (items.length < min) issue(issues, path, "is empty");
    return items;
  };
}

type Fields = Record<string, Shape<unknown>>;
type FieldValues<F extends Fields> = { [K in keyof F]: F[K] extends Shape<infer T> ? T : never };
/** Fields whose shape admits undefined are optional keys. */
type Loose<F extends Fields> = {
  [K in keyof F as undefined extends FieldValues<F>[K] ? never : K]: FieldValues<F>[K];
} & {
  [K in keyof F as undefined extends FieldValues<F>[K] ? K : never]?: Exclude<FieldValues<F>[K], undefined>;
} & { [field: string]: unknown };

/** An object with these fields; other fields are kept. */
export function object<F extends Fields>(fields: F): Shape<Loose<F>> {
  return (value, path, issues) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      typeIssue(issues, path, expected("object", value));
      return value as Loose<F>;
    }
    const result: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, shape] of Object.entries(fields)) {
      const checked = shape((value as Record<string, unknown>)[key], [...path, key], issues);
      if (checked !== undefined) result[key] = checked;
    }
    return result as Loose<F>;
  };
}

/**
 * `shape`, then `rule` on its value unless a part of it had the wrong type (as zod's superRefine:
 * an empty list or a bad format still leaves a value to check; a wrong type does not).
 */
export function refine<T>(shape: Shape<T>, rule: (value: T, path: Path, issues: ResponseIssue[]) => void): Shape<T> {
  return (value, path, issues) => {
    const before = issues.length;
    const checked = shape(value, path, issues);
    if (!issues.slice(before).some((i) => typeIssues.has(i))) rule(checked, path, issues);
    return checked;
  };
}
