/** Transitional: the provider until this kind is ported onto the lifecycle driver. */
export { provider } from "./manager";
