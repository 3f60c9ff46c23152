/**
 * The package's version: the plugin's, the schema's and the SDKs'. Read from package.json at run
 * time (dist/plugin/ and src/plugin/ both sit two folders below it; the bundle inlines it).
 */
export const VERSION: string = (require("../../package.json") as { version: string }).version;
