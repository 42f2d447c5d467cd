/** The lifecycle driver (driver.ts), the adapter every kind implements (adapter.ts), its rules (rules.ts) and adoption (adopt.ts). */
export * from "./adapter";
export * from "./adopt";
export * from "./driver";
export * from "./rules";
