/** The compiler options users' programs are checked and compiled with. */

/** The tsconfig that `pulumi new typescript` writes (templates/typescript/tsconfig.json). */
export const PULUMI_NEW_TSCONFIG = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "commonjs",
  moduleResolution: "node",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: false,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

/** The same with `module: nodenext`: an ES module in a "type": "module" package, CommonJS otherwise. */
export const NODENEXT_TSCONFIG = { ...PULUMI_NEW_TSCONFIG, target: "es2022", module: "nodenext", moduleResolution: "nodenext" };
