"""A CCE cluster's client certificate and kubeconfig as a Pulumi Python program (see README.md)."""

from cce_certificate import program

program()
