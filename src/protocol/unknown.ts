/**
 * The engine's placeholder for a value not known until apply. The engine sends it in place of an
 * input at preview (a new dependency's output), in Check, Diff, Create and Update alike, to the
 * dynamic-provider host and to the plugin.
 * @see https://github.com/pulumi/pulumi/blob/v3.248.0/sdk/nodejs/runtime/rpc.ts (unknownValue)
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export type Unknown = typeof UNKNOWN;
/** A value, or the placeholder of one that is known only at apply. */
export type Unknowable<T> = T | Unknown;
export const isUnknown = (value: unknown): value is Unknown => value === UNKNOWN;
