// A CCE cluster's client certificate and kubeconfig as a Pulumi Go program (see README.md).
package main

import (
	"github.com/pulumi-cce-kubeconfig/pulumi-cce-kubeconfig/examples/go/certificate"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(certificate.Program)
}
