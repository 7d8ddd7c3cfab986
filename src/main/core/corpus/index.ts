// Corpus importers: pure readers returning ImportBatch records (the store writes them).
export * from './types';
export { readTextFile, decodeText, type DecodedText } from './text-file';
export { readCsvFile, parseCsvText, parseTime, type CsvTable, type CsvRow } from './csv';
export { indexMediaFiles, listMediaFiles, findClip, splitHint, isMediaFile, type MediaIndex } from './media-index';
export { readMeldCsv, looksLikeMeld, splitFromFileName, MELD_HEADER, MELD_REQUIRED, type MeldCsvOptions } from './meld';
export { scanMediaFolder } from './folder';
export { readGenericCsv, parseColumnMapping, parseSplitName, type GenericCsvOptions } from './generic';
export { planImport, planImportEach, type PlanOptions, type ImportPlan } from './import-plan';
export { readEafFile, type EafOptions } from './eaf';
export { readTextGridFile, parseTextGrid } from './textgrid';
export { readSubtitleFile, parseSubtitles } from './subtitles';
export { mediaBeside, type TranscriptOptions } from './transcript';
