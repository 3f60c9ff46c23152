// @ts-check
/**
 * The Pulumi program of bench/engine-scale.js, copied into the program folder and run inline by
 * scripts/engine/run-stack.js. Stack config `bench:*` picks what it declares:
 *   kind     "cce"            N ClusterCertificates against the emulator (bench:endpoint, bench:clusterId)
 *            "trivial"        N dynamic resources whose provider's create returns its inputs at once
 *            "trivial-secret" the same trivial provider, returning outputs of the sizes a
 *                             ClusterCertificate returns (bench:shape, {output: characters}), secret
 *                             where ClusterCertificate's are: what large secret outputs cost alone
 *   count    N
 */
const pulumi = require("@pulumi/pulumi");

const config = new pulumi.Config("bench");
const kind = config.require("kind");
const count = config.requireNumber("count");

/** A dynamic provider that does nothing: the engine's and the host's cost per resource, alone. */
const trivialProvider = {
  async create(/** @type {any} */ inputs) {
    return { id: `trivial-${inputs.index}`, outs: inputs };
  },
};

/** @param {Record<string, number>} shape */
function fatProvider(shape) {
  return {
    async create(/** @type {any} */ inputs) {
      /** @type {Record<string, string>} */
      const filler = {};
      // Filler text, not credentials: the same sizes, nothing that looks like a PEM or a key.
      for (const [key, size] of Object.entries(shape)) filler[key] = "x".repeat(size);
      return { id: `trivial-${inputs.index}`, outs: { ...inputs, ...filler } };
    },
  };
}

if (kind === "cce") {
  const { ClusterCertificate } = require("pulumi-cce-kubeconfig");
  const clusterId = config.require("clusterId");
  const endpoint = config.require("endpoint");
  for (let i = 0; i < count; i++) new ClusterCertificate(`cert-${i}`, { clusterId, endpoint, duration: 30 });
} else if (kind === "trivial") {
  for (let i = 0; i < count; i++) new pulumi.dynamic.Resource(trivialProvider, `trivial-${i}`, { index: i }, {}, "bench", "Trivial");
} else if (kind === "trivial-secret") {
  /** @type {Record<string, number>} */
  const shape = config.requireObject("shape");
  const { SECRET_OUTPUTS } = require("pulumi-cce-kubeconfig/provider/outputs");
  const provider = fatProvider(shape);
  const outputs = Object.fromEntries(Object.keys(shape).map((key) => [key, undefined]));
  for (let i = 0; i < count; i++) {
    new pulumi.dynamic.Resource(provider, `fat-${i}`, { ...outputs, index: i }, { additionalSecretOutputs: [...SECRET_OUTPUTS] }, "bench", "TrivialSecret");
  }
} else {
  throw new Error(`bench:kind ${JSON.stringify(kind)} is not cce, trivial or trivial-secret`);
}
