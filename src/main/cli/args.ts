// Numeric command-line options checked before use: `--limit abc` or `--limit -1` is a usage error
// naming the option and what it takes, not a SQLite "datatype mismatch" or every row.

export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgumentError';
  }
}

/** A whole number from `min` up (digits only: no sign, no exponent, no fraction). */
export function wholeNumberOption(value: string, option: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!(n >= min && n <= max)) {
    throw new ArgumentError(
      `${option} takes a whole number ${max < Number.MAX_SAFE_INTEGER ? `from ${min} to ${max}` : `of ${min} or more`} (got '${value}')`,
    );
  }
  return n;
}
