/**
 * Starting test servers side by side (the AWS emulator, a Kubernetes API
 * server...) without leaving one behind when another fails to start.
 */

export interface Stoppable {
    stop(): Promise<void>;
}

/**
 * Starts every server at once and resolves with all of them. When any fails to
 * start, the ones that did start are stopped before the error is thrown (with
 * Promise.all, a failed before() would leave them running and orphaned).
 */
export async function startAll<T extends readonly Stoppable[]>(...starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
    const settled = await Promise.allSettled(starts);
    const failed = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
    if (failed.length === 0) {
        return settled.map((r) => (r as PromiseFulfilledResult<Stoppable>).value) as unknown as T;
    }
    await Promise.allSettled(settled.flatMap((r) => (r.status === "fulfilled" ? [r.value.stop()] : [])));
    throw failed.length === 1 ? failed[0] : new AggregateError(failed, `${failed.length} servers failed to start: ${failed.map(String).join("; ")}`);
}
