// Import for the Electron menu (open corpus folder, import CSV): the same planner and writer as
// `emotion-studio import`. Paths come from the OS file dialog, never from the page.
import type { Db } from '../store/db';
import { planImportEach } from '../corpus/import-plan';
import { saveImport, type ImportSummary } from '../store/corpus-repo';

/** One file that cannot be imported is a warning naming it; the others are imported. */
export function importPaths(db: Db, paths: string[]): { summaries: ImportSummary[]; warnings: string[] } {
  const { batches, failed } = planImportEach(paths, {});
  const warnings: string[] = failed.map((f) => `${f.file}: ${f.message}; file not imported`);
  const summaries = batches.map((b) => {
    for (const i of b.issues) warnings.push(`${i.file}${i.row !== null ? ` row ${i.row}` : ''}: ${i.message}`);
    return saveImport(db, b);
  });
  return { summaries, warnings };
}
