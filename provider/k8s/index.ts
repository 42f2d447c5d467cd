export * from "./retain-policy";
export * from "./custom-resource-deletion";
export * as ack from "./ack";
export { KubeClient, KubeError } from "./client";
