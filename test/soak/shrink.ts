/**
 * Shrinks a failing operation list to a short one that still fails the same
 * way (delta debugging, ddmin): try removing chunks, halving their size when
 * no chunk can go, until single operations cannot be removed either or the
 * time budget runs out (then the shortest list found so far is returned).
 */
export interface ShrinkOptions {
    /** Stop trying after this time (ms since the epoch); the best list so far is returned. */
    deadline?: number;
    /** Called after each attempt. */
    onAttempt?: (attempt: { length: number; failed: boolean; best: number }) => void;
}

export async function shrink<T>(items: readonly T[], fails: (candidate: T[]) => Promise<boolean>, opts: ShrinkOptions = {}): Promise<T[]> {
    let best = [...items];
    const tried = new Map<string, boolean>();
    const test = async (candidate: T[]): Promise<boolean> => {
        const key = JSON.stringify(candidate);
        const known = tried.get(key);
        if (known !== undefined) return known;
        const failed = await fails(candidate);
        tried.set(key, failed);
        opts.onAttempt?.({ length: candidate.length, failed, best: failed ? Math.min(best.length, candidate.length) : best.length });
        return failed;
    };
    const late = () => opts.deadline !== undefined && Date.now() > opts.deadline;
    let n = 2;
    while (best.length >= 1 && !late()) {
        const size = Math.ceil(best.length / n);
        let reduced = false;
        for (let start = 0; start < best.length && !late(); start += size) {
            const complement = [...best.slice(0, start), ...best.slice(start + size)];
            if (complement.length < best.length && (await test(complement))) {
                best = complement;
                n = Math.max(n - 1, 2);
                reduced = true;
                break;
            }
        }
        if (!reduced) {
            if (size <= 1) break;
            n = Math.min(n * 2, best.length);
        }
    }
    return best;
}
