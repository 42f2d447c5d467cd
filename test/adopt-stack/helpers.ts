/** Test helpers shared by the adopt-stack tests. */

/** What `p` rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error & { status?: number }> {
    try {
        await p;
    } catch (e) {
        return e as Error & { status?: number };
    }
    throw new Error("expected a rejection");
}
