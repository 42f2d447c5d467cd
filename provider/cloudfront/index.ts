export * from "./distribution";
export * from "./function";
