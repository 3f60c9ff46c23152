// @ts-check
/**
 * The official SDK: `createKubernetesClusterCert` of @huaweicloud/huaweicloud-sdk-cce with AK/SK,
 * as its README builds a client (BasicCredentials with the project id, so it never asks IAM for
 * one; an explicit endpoint, so no region table). It accepts http: endpoints as they are. Its HTTP
 * stack is axios on Node's global agent (keep-alive since Node 19, no socket cap), its default.
 */
module.exports = {
  name: "sdk",
  label: "official SDK: createKubernetesClusterCert",
  load: () => ({
    core: require("@huaweicloud/huaweicloud-sdk-core"),
    cce: require("@huaweicloud/huaweicloud-sdk-cce"),
  }),
  /**
   * @param {{core: any, cce: any}} lib
   * @param {import("../lib/emulator-process").EmulatorTarget} target
   */
  async make({ core, cce }, target) {
    const credentials = new core.BasicCredentials()
      .withAk(target.credentials.accessKey)
      .withSk(target.credentials.secretKey)
      .withProjectId(target.projectId);
    const client = cce.CceClient.newBuilder().withCredential(credentials).withEndpoint(target.url).build();
    return {
      async call() {
        const request = new cce.CreateKubernetesClusterCertRequest()
          .withClusterId(target.clusterId)
          .withBody(new cce.CertDuration().withDuration(30));
        const answer = await client.createKubernetesClusterCert(request);
        if (answer.httpStatusCode !== 200) throw new Error(`sdk: HTTP ${answer.httpStatusCode}`);
      },
      close: async () => {},
    };
  },
};
