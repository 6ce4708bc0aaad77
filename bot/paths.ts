import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The project root: the nearest folder above this file that holds package.json. The same answer
 * from the TypeScript sources (bot/) and from the compiled code (dist/bot/), whatever the cwd.
 */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** An absolute path as given; a relative one from the project root (config/*.json ship with the code). */
export function fromProjectRoot(file: string, root: string = projectRoot()): string {
  return path.isAbsolute(file) ? file : path.resolve(root, file);
}
