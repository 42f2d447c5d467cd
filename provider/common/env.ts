/** Settings read from the environment, parsed one way. */

/**
 * The number in environment variable `name`, or `dflt` when it is unset,
 * empty, not a number, or not positive (zero too, unless `allowZero`).
 */
export function envNumber(name: string, dflt: number, opts: { allowZero?: boolean } = {}): number {
    const raw = process.env[name];
    if (raw === undefined || raw.trim() === "") {
        return dflt;
    }
    const v = Number(raw);
    return Number.isFinite(v) && (v > 0 || (opts.allowZero === true && v === 0)) ? v : dflt;
}
