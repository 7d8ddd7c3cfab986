import fs from 'node:fs';
import path from 'node:path';

/** The project's shared/ folder: beside the checkout (as CI has it), else the workplace's. */
export const SHARED =
  [path.resolve(__dirname, '../../../shared'), '/work/shared'].find((p) => fs.existsSync(path.join(p, 'data'))) ?? '/work/shared';
export const MELD_DIR = path.join(SHARED, 'data', 'meld');
