// Package execkubeconfig is the example's Pulumi program as a function, so that both main.go
// (pulumi.Run, for `pulumi up` in this folder) and an Automation API inline program
// (auto.UpsertStackInlineSource) run the same code.
package execkubeconfig

import (
	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/sdk/go/ccekubeconfig"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Program reads the cluster's server and CA with the credentials of the environment (HW_ACCESS_KEY
// + HW_SECRET_KEY, a KooCLI profile, OIDC, CCE pod identity or ECS metadata: not stack config,
// which the command cannot read) and deploys a Namespace and a ConfigMap through a Kubernetes
// provider whose kubeconfig runs `cce-kubeconfig credential`. No client certificate or key is ever
// in state: whoever uses the kubeconfig mints its own short-lived certificate.
//
// Stack config of the project's namespace: clusterId (required); command (optional: a name on
// PATH, by default cce-kubeconfig from `npm install -g pulumi-cce-kubeconfig`, or an absolute
// path). Provider config: cce-kubeconfig:region and cce-kubeconfig:projectId, written into the
// kubeconfig (or HW_REGION_NAME and HW_PROJECT_ID where the command runs).
func Program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "")
	args := &ccekubeconfig.ExecKubeconfigArgs{ClusterId: pulumi.String(cfg.Require("clusterId"))}
	if v := cfg.Get("command"); v != "" {
		args.Command = pulumi.StringPtr(v)
	}
	// pulumi up mints one certificate into the command's cache on this machine (which the
	// Kubernetes provider's first call then reuses); state holds only the server, the CA and the
	// command line, as secret outputs.
	access, err := ccekubeconfig.NewExecKubeconfig(ctx, "access", args)
	if err != nil {
		return err
	}

	// clusterIdentifier stays the same when the kubeconfig changes (a new command), so the
	// provider is updated in place and nothing it manages is replaced.
	provider, err := kubernetes.NewProvider(ctx, "cce", &kubernetes.ProviderArgs{
		Kubeconfig:        access.Kubeconfig,
		ClusterIdentifier: access.ClusterId,
	})
	if err != nil {
		return err
	}
	apps, err := corev1.NewNamespace(ctx, "apps", &corev1.NamespaceArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String("apps-exec")},
	}, pulumi.Provider(provider))
	if err != nil {
		return err
	}
	settings, err := corev1.NewConfigMap(ctx, "settings", &corev1.ConfigMapArgs{
		Metadata: &metav1.ObjectMetaArgs{
			Namespace: apps.Metadata.Name(),
			Name:      pulumi.String("settings"),
		},
		Data: pulumi.StringMap{"greeting": pulumi.String("hello from CCE, with no key in state")},
	}, pulumi.Provider(provider))
	if err != nil {
		return err
	}

	ctx.Export("namespace", apps.Metadata.Name())
	ctx.Export("configMap", settings.Metadata.Name())
	ctx.Export("configMapUid", settings.Metadata.Uid())
	// Secret: `pulumi stack output kubeconfig --show-secrets > kubeconfig` for kubectl, which runs
	// the same command (and needs credentials in its environment).
	ctx.Export("kubeconfig", access.Kubeconfig)
	ctx.Export("server", access.Server)
	ctx.Export("clusterId", access.ClusterId)
	return nil
}
