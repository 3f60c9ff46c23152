"""An exec kubeconfig for a CCE cluster as a Pulumi Python program: the state holds the cluster's
server and CA and the command line, never a client certificate or key (see README.md)."""

import pulumi
import pulumi_cce_kubeconfig as cce


def program() -> None:
    """Reads the cluster's server and CA with the credentials of the environment (HW_ACCESS_KEY +
    HW_SECRET_KEY, a KooCLI profile, OIDC, CCE pod identity or ECS metadata: not stack config, which
    the command cannot read) and exports a kubeconfig whose user runs ``cce-kubeconfig credential``.

    Stack config of the project's namespace: ``clusterId`` (required); ``command`` (optional: a name
    on PATH, by default ``cce-kubeconfig`` from ``npm install -g pulumi-cce-kubeconfig``, or an
    absolute path).
    """
    config = pulumi.Config()
    access = cce.ExecKubeconfig("access", cluster_id=config.require("clusterId"), command=config.get("command"))

    # To deploy to the cluster, hand both to a Kubernetes provider (pulumi_kubernetes), which runs
    # the command with the credentials of its own environment:
    #
    #     import pulumi_kubernetes as k8s
    #     provider = k8s.Provider("cce", kubeconfig=access.kubeconfig, cluster_identifier=access.cluster_id)
    pulumi.export("kubeconfig", access.kubeconfig)
    pulumi.export("server", access.server)
    pulumi.export("clusterId", access.cluster_id)
    pulumi.export("currentContext", access.current_context)
