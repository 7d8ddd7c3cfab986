// Types of bench/args.mjs for the TypeScript benches (bundled by esbuild; checked by tsc).
/** The benches' flags: `--name value` pairs, a bare `--flag` reads 'true'. */
export function benchArgs(argv?: string[]): Record<string, string>;
