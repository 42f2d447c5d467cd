export * from "./nat-gateway";
