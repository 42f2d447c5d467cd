/**
 * The file backend writes each state file's metadata sidecar (`<stack>.json.attrs`) in place, not through a rename
 * (gocloud.dev/blob/fileblob attrs.go setAttrs), so a kill -9 at that moment leaves it empty and every later command
 * fails with "failed to load checkpoint: EOF". A missing sidecar is read as none, so the fix (README, Troubleshooting)
 * is to remove the empty one. This is that fix, as the soak applies it after every kill.
 */
import * as fs from "fs";
import * as path from "path";

/** Removes every empty `.attrs` sidecar under `backendDir` (a file backend's `.pulumi`); returns the removed paths. */
export function removeEmptySidecars(backendDir: string): string[] {
    const walk = (dir: string): string[] =>
        fs.existsSync(dir)
            ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]))
            : [];
    const removed: string[] = [];
    for (const file of walk(backendDir)) {
        if (file.endsWith(".attrs") && fs.statSync(file).size === 0) {
            fs.rmSync(file);
            removed.push(file);
        }
    }
    return removed;
}
