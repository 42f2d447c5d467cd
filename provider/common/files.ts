/** Writing a generated program's files (the adopt-* generators). */
import * as fs from "fs";
import * as path from "path";
import { AcklessError } from "./errors";

/** Writes `files` (name -> text) into `dir`; refuses to overwrite any of them without `force`. */
export function writeFiles(files: Record<string, string>, dir: string, force: boolean): void {
    fs.mkdirSync(dir, { recursive: true });
    const existing = Object.keys(files).filter((f) => fs.existsSync(path.join(dir, f)));
    if (existing.length > 0 && !force) {
        throw new AcklessError(`${dir} already has ${existing.join(", ")}: pass --force to overwrite, or --out another directory`);
    }
    for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), text);
    }
}
