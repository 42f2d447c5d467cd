// The Kubernetes client (provider/k8s/kube.ts: loadKubeConfig, CustomResources) stays internal: its types are
// @kubernetes/client-node's, which do not type-check in a user's project without skipLibCheck.
export * from "./retain-policy";
export * from "./custom-resource-deletion";
export * from "./reference-rewrite";
export * as ack from "./ack";
