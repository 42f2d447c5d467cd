/**
 * cloudfront.Function, waits: how long delete waits for a function to be
 * released by its distributions (FunctionInUse), and for a new function's
 * LIVE stage to become readable (lifecycle R5).
 */
import { waitVisible } from "../../lifecycle/rules";
import { stageEtag } from "./sdk";

export function envNumber(name: string, dflt: number): number {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
}

/** How long delete keeps retrying FunctionInUse (default 5 min; ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS). */
export function inUseTimeoutMs(): number {
    return envNumber("ACKLESS_FUNCTION_IN_USE_TIMEOUT_MS", 5 * 60_000);
}

/** R5: a just-created function's LIVE stage may read NotFound for a while. "" when it stayed invisible. */
export async function waitLiveVisible(name: string): Promise<string> {
    return (await waitVisible(`CloudFront function ${name} (LIVE)`, () => stageEtag(name, "LIVE"))) ?? "";
}
