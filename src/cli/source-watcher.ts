/**
 * Watches the source files under a folder, however they are saved. Node's recursive `fs.watch`
 * on Linux watches each file by its inode: a file replaced by a rename (`sed -i`, and editors that
 * write a temporary file and move it over the old one) is not watched any more, so only its first
 * change was seen. Here each folder is watched instead: a folder keeps its inode while the files in
 * it are written, replaced, added or removed, and a new folder (a new app) is watched as it appears.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, relative } from 'node:path';

/** The files whose change restarts the server. */
export const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx|json)$/;
/** Folders never watched: dependencies, and hidden ones (.git, caches, editors' own). */
const IGNORED_FOLDER = /^(node_modules|\..*)$/;

export class SourceWatcher {
  private readonly folders = new Map<string, FSWatcher>();
  private closed = false;

  /** `onChange` gets each changed, added or removed source file, relative to `root`. */
  constructor(private readonly root: string, private readonly onChange: (file: string) => void) {
    this.watchTree(root);
  }

  /** How many folders are watched. */
  get size(): number {
    return this.folders.size;
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.folders.values()) watcher.close();
    this.folders.clear();
  }

  /** Watches `folder` and every folder under it; true when a source file is in them. */
  private watchTree(folder: string): boolean {
    if (this.closed || this.folders.has(folder)) return false;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: true }, (_event, name) => {
        if (name !== null) this.changed(folder, name.toString());
      });
    } catch {
      return false; // gone already, or not readable
    }
    watcher.on('error', () => this.unwatch(folder));
    this.folders.set(folder, watcher);
    let sources = false;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !IGNORED_FOLDER.test(entry.name)) sources = this.watchTree(join(folder, entry.name)) || sources;
      else if (entry.isFile() && SOURCE_FILE.test(entry.name)) sources = true;
    }
    return sources;
  }

  private unwatch(folder: string): void {
    for (const [path, watcher] of this.folders) {
      if (path === folder || path.startsWith(`${folder}/`)) {
        watcher.close();
        this.folders.delete(path);
      }
    }
  }

  private changed(folder: string, name: string): void {
    if (this.closed) return;
    const path = join(folder, name);
    if (SOURCE_FILE.test(name)) {
      this.onChange(relative(this.root, path));
      return;
    }
    if (IGNORED_FOLDER.test(name)) return;
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      // Removed: a folder that was watched is not any more.
      if (this.folders.has(path)) {
        this.unwatch(path);
        this.onChange(relative(this.root, path));
      }
      return;
    }
    // A new folder: its files may have been written before it was watched, so they count as a change.
    if (isFolder && !this.folders.has(path) && this.watchTree(path)) this.onChange(relative(this.root, path));
  }
}
