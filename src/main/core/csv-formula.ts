// Spreadsheet formula injection (OWASP "CSV injection"): text cells that a spreadsheet would read as a
// formula get a leading `'`; the MELD importer takes exactly that `'` off again so a round trip is exact.

/** Characters that start a formula (or are skipped before one) in Excel, LibreOffice and Sheets. */
const TRIGGER = /^[=+\-@\t\r]/;
/** What the exporter prefixed: one or more `'` before a trigger (values that already began with `'`
 * before a trigger get one more, so stripping one `'` on import always gives the original back). */
const ESCAPED = /^'+[=+\-@\t\r]/;

/** The cell as written to a CSV file: `'` + value when a spreadsheet would run it as a formula. */
export function neutralizeCell(v: string): string {
  return TRIGGER.test(v) || ESCAPED.test(v) ? `'${v}` : v;
}

/** The value a neutralized cell came from (the inverse of neutralizeCell for every string). */
export function restoreCell(v: string): string {
  return ESCAPED.test(v) ? v.slice(1) : v;
}

/** neutralizeCell for any cell value: strings are neutralized, numbers, null and the rest pass. */
export function safeCell<T>(v: T): T | string {
  return typeof v === 'string' ? neutralizeCell(v) : v;
}
