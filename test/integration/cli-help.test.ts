// The built CLI's --help: every command says what it does, every option of every command has a
// description of its own (not only its choices), and no option states its default twice.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';

/** The entries of one "Options:" or "Commands:" section: term and its description (wrapped lines joined). */
function section(help: string, title: string): { term: string; text: string }[] {
  const lines = help.split('\n');
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const out: { term: string; text: string }[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    const m = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (m && !line.startsWith('   ')) out.push({ term: m[1].trim(), text: (m[2] ?? '').trim() });
    else if (out.length) out[out.length - 1].text += ' ' + line.trim();
  }
  return out;
}

const own = (text: string) => text.replace(/\((?:choices|default): [^)]*\)/g, '').trim();

describe('--help', () => {
  const top = runCli(['--help']).stdout;
  const commands = section(top, 'Commands')
    .map((c) => c.term.split(' ')[0])
    .filter((c) => c !== 'help');
  const subcommands = section(runCli(['models', '--help']).stdout, 'Commands')
    .map((c) => c.term.split(' ')[0])
    .filter((c) => c !== 'help')
    .map((c) => ['models', c]);

  it('lists the commands of the contract, each with a description', () => {
    for (const c of [
      'import',
      'extract',
      'train',
      'evaluate',
      'analyze',
      'list',
      'show',
      'relabel',
      'agreement',
      'report',
      'models',
      'serve',
      'doctor',
    ])
      expect(commands).toContain(c);
    for (const c of section(top, 'Commands')) expect(own(c.text), c.term).not.toBe('');
  });

  it('every option of every command says what it is, and states its default at most once', () => {
    const missing: string[] = [];
    const twice: string[] = [];
    for (const argv of [...commands.map((c) => [c]), ...subcommands]) {
      const r = runCli([...argv, '--help']);
      expect(r.code, r.stderr).toBe(0);
      for (const o of section(r.stdout, 'Options')) {
        if (!own(o.text)) missing.push(`${argv.join(' ')} ${o.term}`);
        if ((o.text.match(/\bdefault\b/g) ?? []).length > 1) twice.push(`${argv.join(' ')} ${o.term}: ${o.text}`);
      }
    }
    expect(missing).toEqual([]);
    expect(twice).toEqual([]);
  });
});
