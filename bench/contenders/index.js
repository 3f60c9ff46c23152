// @ts-check
/** The contenders of issue 9, by name. Each: {name, label, load(), make(lib, target), available?()}. */
const floor = require("./floor");
const { ours, oursIndex, oursEntry } = require("./ours");
const provider = require("./provider");
const sdk = require("./sdk");

/** Measured warm, side by side. */
const WARM = [floor, ours, provider, sdk];
/** Measured cold (fresh process: import + first call): the warm ones plus the import variants. */
const COLD = [floor, ours, oursEntry, oursIndex, provider, sdk];

const BY_NAME = Object.fromEntries([...WARM, ...COLD].map((c) => [c.name, c]));

module.exports = { WARM, COLD, BY_NAME };
