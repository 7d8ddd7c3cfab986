// The packages only import and export use (text encodings, CSV, XML), loaded on first use instead of at
// start-up, so that commands that never read or write those files do not pay for them.
/*
 * `extract`, `train`, `list` and the rest loaded chardet, iconv-lite, csv-parse, csv-stringify and
 * fast-xml-parser at start-up through the corpus and report modules: ~19 ms of CPU in a fresh
 * process (require of the five, measured alone), of an `extract` with nothing to do ~110-130 ms.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Chardet from 'chardet';
import type Iconv from 'iconv-lite';
import type * as CsvParse from 'csv-parse/sync';
import type * as CsvStringify from 'csv-stringify/sync';
import type * as Fxp from 'fast-xml-parser';

let chardetMod: typeof Chardet | undefined;
let iconvMod: typeof Iconv | undefined;
let csvParseMod: typeof CsvParse | undefined;
let csvStringifyMod: typeof CsvStringify | undefined;
let fxpMod: typeof Fxp | undefined;

export const chardet = (): typeof Chardet => (chardetMod ??= require('chardet') as typeof Chardet);
export const iconv = (): typeof Iconv => (iconvMod ??= require('iconv-lite') as typeof Iconv);
export const csvParse = (): typeof CsvParse => (csvParseMod ??= require('csv-parse/sync') as typeof CsvParse);
export const csvStringify = (): typeof CsvStringify => (csvStringifyMod ??= require('csv-stringify/sync') as typeof CsvStringify);
export const xml = (): typeof Fxp => (fxpMod ??= require('fast-xml-parser') as typeof Fxp);
