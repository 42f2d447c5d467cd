/**
 * The main ackless program. It grows as the resources land: for now it
 * declares the smallest real thing the engine can run.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
export const greeting = config.get("greeting") ?? "ackless is up";
