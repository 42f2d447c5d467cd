export * from "./distribution";
export * from "./function";
export * from "./key-value-store";
