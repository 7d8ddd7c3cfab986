// The benches' flags: `--name value` pairs, a bare `--flag` reads 'true'.
export function benchArgs(argv = process.argv.slice(2)) {
  return Object.fromEntries(
    argv.reduce((acc, a, i, all) => {
      if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
      return acc;
    }, []),
  );
}
