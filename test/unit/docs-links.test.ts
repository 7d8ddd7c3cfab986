// The documentation's references stay true: every relative link (and #heading) in README.md, docs/*.md
// and the READMEs under src/ resolves, and every source path or file name they write in `code` exists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');

/** Where a path written in a doc may be relative to: the doc's folder, the root, or a source root (`jobs/segment.ts`). */
const BASES = ['', 'src/main/core', 'src/main', 'src', 'test/unit', 'test/integration', 'test/e2e', 'test/fuzz'];
/** Written paths that are made at run time or by a build, not kept in the repository. */
const GENERATED = /^(out|bench\/results|test-artifacts|reports|node_modules|dist)\//;
const SOURCE_EXT = /\.(ts|tsx|mts|mjs|cjs)$/;

/** The Markdown files whose statements are checked, relative to `root`. */
export function docFiles(root: string): string[] {
  const out = ['README.md'];
  const docs = path.join(root, 'docs');
  if (fs.existsSync(docs)) for (const f of fs.readdirSync(docs).sort()) if (f.endsWith('.md')) out.push(`docs/${f}`);
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.name === 'README.md') out.push(r);
    }
  };
  if (fs.existsSync(path.join(root, 'src'))) walk('src');
  return out;
}

/** Every file name (basename) under the source folders, for bare names such as `linear-solver.ts`. */
function sourceNames(root: string): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else names.add(e.name);
    }
  };
  for (const d of ['src', 'test', 'bench', 'scripts']) walk(path.join(root, d));
  return names;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(markdown: string): Set<string> {
  const set = new Set<string>();
  for (const m of stripFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) set.add(slug(m[1]));
  return set;
}

/** The text outside fenced code blocks, and the fenced blocks' own text. */
function stripFences(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```\s*$/gm, '');
}
function fences(markdown: string): string {
  return [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```\s*$/gm)].map((m) => m[1]).join('\n');
}

/** The references in `files` (relative to `root`) that do not resolve, as `FILE: what`. */
export function staleReferences(root: string, files: string[]): string[] {
  const names = sourceNames(root);
  const problems: string[] = [];
  const exists = (dir: string, p: string) => [dir, ...BASES].some((b) => fs.existsSync(path.join(root, b, p)));
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const dir = path.dirname(file);
    const outsideRepo = (abs: string) => path.relative(root, abs).startsWith('..');
    const prose = stripFences(text);
    // links and images: [text](target) with a relative target, optionally #anchor
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, mailto:, ...
      const [rel, hash] = target.split('#');
      const abs = rel ? path.join(root, dir, rel) : path.join(root, file);
      if (outsideRepo(abs)) continue; // e.g. ../shared/: the workplace's, not in a clone of the repository
      if (!fs.existsSync(abs)) {
        problems.push(`${file}: link ${target} (no such file)`);
        continue;
      }
      if (hash !== undefined && abs.endsWith('.md') && !anchors(fs.readFileSync(abs, 'utf8')).has(hash))
        problems.push(`${file}: link ${target} (no such heading)`);
    }
    // paths in `code`: with a folder they must exist (relative to the doc or a source root); bare
    // source file names must name a file somewhere under src/, test/, bench/ or scripts/ (or the root)
    for (const m of prose.matchAll(/`([^`\s]+)`/g)) {
      const p = m[1].replace(/[,.:;)]+$/, '');
      if (!/^[\w.@/-]+\.[a-z]{1,4}$/.test(p) || GENERATED.test(p)) continue;
      if (p.startsWith('../') && outsideRepo(path.join(root, dir, p))) continue;
      if (p.includes('/')) {
        if (/\.(ts|tsx|mts|mjs|cjs|js|json|sh|py|md|png)$/.test(p) && !exists(dir, p)) problems.push(`${file}: path ${p} (no such file)`);
      } else if (SOURCE_EXT.test(p) && !names.has(p) && !exists(dir, p)) problems.push(`${file}: file name ${p} (no such file)`);
    }
    // commands in fenced blocks: repository paths such as bench/x.ts or scripts/y.sh
    for (const m of fences(text).matchAll(/(?<![\w./-])((?:src|test|bench|scripts|resources)\/[\w./@-]+\.[a-z]{1,4})\b/g)) {
      if (!GENERATED.test(m[1]) && !fs.existsSync(path.join(root, m[1])))
        problems.push(`${file}: path ${m[1]} in a code block (no such file)`);
    }
  }
  return problems;
}

describe('documentation references', () => {
  it('every relative link, heading anchor and written source path in the docs resolves', () => {
    const files = docFiles(ROOT);
    expect(files).toContain('docs/architecture.md');
    expect(files).toContain('src/main/core/learn/README.md');
    expect(staleReferences(ROOT, files)).toEqual([]);
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'es-docs-links-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('names a broken link, a missing heading, a moved source file and a stale command path', () => {
    fs.mkdirSync(path.join(tmp, 'docs'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'src/main/core/jobs'), { recursive: true });
    fs.mkdirSync(path.join(tmp, 'bench'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'src/main/core/jobs/segment.ts'), '');
    fs.writeFileSync(path.join(tmp, 'bench/run.mjs'), '');
    fs.writeFileSync(path.join(tmp, 'docs/b.md'), '# B\n\n## The timeline: keys\n');
    fs.writeFileSync(
      path.join(tmp, 'README.md'),
      [
        '# Readme',
        'Good: [b](docs/b.md), [keys](docs/b.md#the-timeline-keys), [top](#readme), `jobs/segment.ts`, `segment.ts`,',
        '`src/main/core/jobs/segment.ts`, `ui-settings.json` (a runtime file), `out/node/cli.js` (built).',
        'Bad: [gone](docs/gone.md), [anchor](docs/b.md#the-timeline), `src/main/cli.ts`, `cli-learn.ts`.',
        '```sh',
        'node bench/run.mjs && node bench/old-bench.mjs',
        '```',
      ].join('\n'),
    );
    expect(staleReferences(tmp, docFiles(tmp))).toEqual([
      'README.md: link docs/gone.md (no such file)',
      'README.md: link docs/b.md#the-timeline (no such heading)',
      'README.md: path src/main/cli.ts (no such file)',
      'README.md: file name cli-learn.ts (no such file)',
      'README.md: path bench/old-bench.mjs in a code block (no such file)',
    ]);
  });

  it('makes GitHub anchors of headings with code and punctuation', () => {
    expect(slug('Automatic segmentation: Silero VAD (`import --segment vad`)')).toBe(
      'automatic-segmentation-silero-vad-import---segment-vad',
    );
    expect(slug('Formats that can be imported (one utterance per clip or row)')).toBe(
      'formats-that-can-be-imported-one-utterance-per-clip-or-row',
    );
  });
});
