export * from "./retain-policy";
export * from "./custom-resource-deletion";
export * as ack from "./ack";
export { CustomResources, CustomResourceRef, CollectionRef, KubeError, KubeRest, KubeconfigSource, loadKubeConfig, RBAC_DOC } from "./kube";
