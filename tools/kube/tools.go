//go:build tools

// Package tools pins the real Kubernetes control plane that ackless's
// Kubernetes tests run against (as controller-runtime's envtest does):
// kube-apiserver and etcd, built from their Go modules.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
