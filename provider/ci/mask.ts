/**
 * Keeps secret values out of everything the CI commands print.
 *
 * The values masked are those of environment variables whose names look
 * secret (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, PULUMI_CONFIG_PASSPHRASE,
 * PULUMI_ACCESS_TOKEN, anything with SECRET, TOKEN, PASSWORD, PASSPHRASE,
 * PRIVATE_KEY or CREDENTIAL in its name), of the variables listed in
 * ACKLESS_MASK_ENV (comma-separated names), and of the variables named by
 * `--secret-config key=VAR`. The names are never masked, only the values.
 */

const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSPHRASE|PRIVATE_KEY|CREDENTIAL/i;
/** Shorter values are not masked: masking "1" or "yes" would garble every line. */
export const MIN_MASKED_LENGTH = 4;
export const MASK = "***";

export class Masker {
    private readonly values: string[] = [];

    /** Masks the values of the secret-looking variables of `env`. */
    static fromEnv(env: NodeJS.ProcessEnv, extraNames: string[] = []): Masker {
        const m = new Masker();
        const listed = (env.ACKLESS_MASK_ENV ?? "")
            .split(",")
            .map((s) => s.trim())
            .filter(Boolean);
        const names = new Set([...listed, ...extraNames]);
        for (const [name, value] of Object.entries(env)) {
            if (value !== undefined && (SECRET_NAME.test(name) || names.has(name))) {
                m.add(value);
            }
        }
        return m;
    }

    add(value: string): void {
        const candidates = [value, JSON.stringify(value).slice(1, -1), ...value.split(/\r?\n/)];
        for (const c of candidates) {
            const v = c.trim();
            if (v.length >= MIN_MASKED_LENGTH && !this.values.includes(v)) {
                this.values.push(v);
            }
        }
        // Longest first, so a value containing another is masked whole.
        this.values.sort((a, b) => b.length - a.length);
    }

    mask(text: string): string {
        let out = text;
        for (const v of this.values) {
            if (out.includes(v)) {
                out = out.split(v).join(MASK);
            }
        }
        return out;
    }
}

/**
 * A line-buffered writer that masks before writing, so a secret split
 * across two chunks of engine output is still masked.
 */
export class MaskedStream {
    private pending = "";
    constructor(
        private readonly masker: Masker,
        private readonly sink: (text: string) => void,
    ) {}

    write(chunk: string): void {
        this.pending += chunk;
        const cut = this.pending.lastIndexOf("\n");
        if (cut >= 0) {
            const lines = this.pending.slice(0, cut + 1);
            this.pending = this.pending.slice(cut + 1);
            this.sink(this.masker.mask(lines));
        }
    }

    flush(): void {
        if (this.pending) {
            this.sink(this.masker.mask(this.pending));
            this.pending = "";
        }
    }
}
