/** Writing a scaffold: all of its files or, when one is already there, none of them. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The files of `files` that already exist under `root`. */
export function existingFiles(root: string, files: Readonly<Record<string, string>>): string[] {
  return Object.keys(files).filter((file) => existsSync(join(root, file)));
}

export function writeFiles(root: string, files: Readonly<Record<string, string>>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}
