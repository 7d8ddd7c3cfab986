// Whether a path lies below a folder, by path.relative's '..' segments: a name that merely starts
// with two dots ('..intro.mp4', '...') is inside. Both paths should already be resolved (realpath).
import path from 'node:path';

/** True when `file` lies strictly below `root`. */
export function isBelow(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}
