/**
 * The engine's protocol as both hosts (the dynamic provider and the plugin) meet it, with no
 * knowledge of either: the unknown placeholder, refusal of inputs a resource does not have, and
 * warnings to the user. Imports nothing outside this folder but types and config/checked.
 */
export { isUnknown, UNKNOWN } from "./unknown";
export type { Unknowable, Unknown } from "./unknown";
export { closestName, editDistance, unknownInputFailures } from "./unknown-inputs";
export { warnUser } from "./user-warning";
