/**
 * A small seeded pseudo-random generator (mulberry32 over a 32-bit state),
 * so that one seed always draws the same operations on every machine.
 */
export class Prng {
    private state: number;

    constructor(seed: number | string) {
        this.state = typeof seed === "number" ? seed >>> 0 : hashSeed(seed);
    }

    /** A float in [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) >>> 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** An integer in [min, max] (both included). */
    int(min: number, max: number): number {
        if (max < min) throw new Error(`Prng.int: empty range [${min}, ${max}]`);
        return min + Math.floor(this.next() * (max - min + 1));
    }

    /** True with probability p. */
    chance(p: number): boolean {
        return this.next() < p;
    }

    /** One element of a non-empty list. */
    pick<T>(items: readonly T[]): T {
        if (items.length === 0) throw new Error("Prng.pick: empty list");
        return items[Math.floor(this.next() * items.length)];
    }

    /** A key drawn with probability proportional to its (non-negative) weight; undefined when all weights are 0. */
    weighted<K extends string>(weights: Partial<Record<K, number>>): K | undefined {
        const entries = (Object.entries(weights) as [K, number][]).filter(([, w]) => w > 0);
        const total = entries.reduce((s, [, w]) => s + w, 0);
        if (total <= 0) return undefined;
        let x = this.next() * total;
        for (const [k, w] of entries) {
            x -= w;
            if (x < 0) return k;
        }
        return entries[entries.length - 1][0];
    }
}

/** FNV-1a of the seed's text: "7" and 7 are the same seed. */
export function hashSeed(seed: string): number {
    if (/^\d+$/.test(seed) && Number(seed) <= 0xffffffff) return Number(seed) >>> 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) {
        h ^= seed.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
}
