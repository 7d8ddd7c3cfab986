// Import for the Electron menu (open corpus folder, import CSV): the same planner and writer as
// `emotion-studio import`. Paths come from the OS file dialog, never from the page.
import type { Db } from '../store/db';
import { planImport } from '../corpus/import-plan';
import { saveImport, type ImportSummary } from '../store/corpus-repo';

export function importPaths(db: Db, paths: string[]): { summaries: ImportSummary[]; warnings: string[] } {
  const batches = planImport(paths, {});
  const warnings: string[] = [];
  const summaries = batches.map((b) => {
    for (const i of b.issues) warnings.push(`${i.file}${i.row !== null ? ` row ${i.row}` : ''}: ${i.message}`);
    return saveImport(db, b);
  });
  return { summaries, warnings };
}
