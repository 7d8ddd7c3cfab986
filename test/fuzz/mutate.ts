// Seeded mutations of a valid corpus file, for the importer fuzz tests: each case is reproducible
// from (seed, index), and its name says what was done to the file.
import iconv from 'iconv-lite';

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Mutant {
  name: string;
  bytes: Buffer;
}

type Mutation = (src: Buffer, r: () => number) => Buffer;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const at = (r: () => number, n: number) => Math.floor(r() * (n + 1));

function splice(src: Buffer, pos: number, del: number, ins: Buffer): Buffer {
  return Buffer.concat([src.subarray(0, pos), ins, src.subarray(Math.min(src.length, pos + del))]);
}

function lines(src: Buffer): string[] {
  return src.toString('utf8').split('\n');
}

export const MUTATIONS: Record<string, Mutation> = {
  truncate: (s, r) => s.subarray(0, at(r, s.length - 1)),
  truncateHeader: (s, r) => s.subarray(0, at(r, Math.max(1, s.indexOf(10)))),
  empty: () => Buffer.alloc(0),
  onlyBom: () => Buffer.from([0xef, 0xbb, 0xbf]),
  nulBytes: (s, r) => {
    let b = s;
    for (let i = 0, n = 1 + at(r, 20); i < n; i++) b = splice(b, at(r, b.length), 0, Buffer.alloc(1 + at(r, 3)));
    return b;
  },
  allNul: (s) => Buffer.alloc(s.length),
  randomBytes: (s, r) => Buffer.from(Array.from({ length: 1 + at(r, s.length) }, () => at(r, 255))),
  flipBytes: (s, r) => {
    const b = Buffer.from(s);
    for (let i = 0, n = 1 + at(r, 30); i < n; i++) b[at(r, b.length - 1)] = at(r, 255);
    return b;
  },
  invalidUtf8: (s, r) => {
    let b = s;
    for (let i = 0, n = 1 + at(r, 10); i < n; i++)
      b = splice(b, at(r, b.length), 0, Buffer.from(pick(r, [[0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x92], [0x80, 0x80]])));
    return b;
  },
  utf16le: (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(s.toString('utf8'), 'utf16le')]),
  utf16leNoBom: (s) => iconv.encode(s.toString('utf8'), 'utf16le'),
  utf16be: (s) => iconv.encode(s.toString('utf8'), 'utf16be'),
  latin1: (s) => iconv.encode(s.toString('utf8') + '\ncafé,naïve,’quoted’', 'windows-1252'),
  hugeField: (s, r) => {
    const ls = lines(s);
    const i = 1 + at(r, Math.max(0, ls.length - 2));
    const huge = 'x'.repeat(1 + at(r, 1_500_000));
    ls[i] = (ls[i] ?? '').replace(/,|;|$/, `,${huge},`);
    return Buffer.from(ls.join('\n'));
  },
  hugeQuotedField: (s, r) => {
    const ls = lines(s);
    const i = 1 + at(r, Math.max(0, ls.length - 2));
    ls[i] = `"${'y,'.repeat(1 + at(r, 1_000_000))}"` + (ls[i] ?? '');
    return Buffer.from(ls.join('\n'));
  },
  manyRows: (s, r) => {
    const ls = lines(s);
    const body = ls.slice(1).filter(Boolean);
    const out = [ls[0]];
    for (let i = 0, n = 2000 + at(r, 4000); i < n; i++) out.push(pick(r, body)); // enough rows to cross any batch size
    return Buffer.from(out.join('\n'));
  },
  dropColumn: (s, r) => {
    const ls = lines(s);
    const sep = ls[0].includes(';') ? ';' : ',';
    const cols = ls[0].split(sep);
    cols.splice(at(r, cols.length - 1), 1);
    ls[0] = cols.join(sep);
    return Buffer.from(ls.join('\n'));
  },
  renameHeader: (s, r) => {
    const ls = lines(s);
    ls[0] = ls[0].replace(/[A-Za-z_]+/, pick(r, ['', '"', 'Ütterance', 'utterance ', 'x'.repeat(300)]));
    return Buffer.from(ls.join('\n'));
  },
  headerOnly: (s) => Buffer.from(lines(s)[0]),
  strayQuotes: (s, r) => {
    let b = s;
    for (let i = 0, n = 1 + at(r, 8); i < n; i++) b = splice(b, at(r, b.length), 0, Buffer.from(pick(r, ['"', '""', '"\n', '\\"', "'"])));
    return b;
  },
  unclosedQuote: (s, r) => {
    const ls = lines(s);
    const i = 1 + at(r, Math.max(0, ls.length - 2));
    ls[i] = '"' + (ls[i] ?? '');
    return Buffer.from(ls.join('\n'));
  },
  delimiterSwap: (s, r) => Buffer.from(s.toString('utf8').replaceAll(',', pick(r, [';', '\t', '|', '']))),
  crOnly: (s) => Buffer.from(s.toString('utf8').replaceAll('\n', '\r')),
  mixedNewlines: (s, r) => Buffer.from(s.toString('utf8').replace(/\n/g, () => pick(r, ['\n', '\r\n', '\r', '\n\n']))),
  duplicateLines: (s, r) => {
    const ls = lines(s);
    const i = at(r, ls.length - 1);
    ls.splice(i, 0, ...Array(1 + at(r, 5)).fill(ls[i]));
    return Buffer.from(ls.join('\n'));
  },
  controlChars: (s, r) => {
    let b = s;
    for (let i = 0, n = 1 + at(r, 20); i < n; i++)
      b = splice(b, at(r, b.length), 0, Buffer.from([pick(r, [1, 7, 8, 11, 12, 27, 127, 0x1f])]));
    return b;
  },
  weirdUnicode: (s, r) => {
    let t = s.toString('utf8');
    for (let i = 0, n = 1 + at(r, 10); i < n; i++) {
      const p = at(r, t.length);
      t = t.slice(0, p) + pick(r, ['\u202e', '\ufeff', '\u0000', '\ud800', '😀', '\u200b', 'ｆｕｌｌ', '\u0301']) + t.slice(p);
    }
    return Buffer.from(t);
  },
  xmlBomb: (s, r) =>
    Buffer.concat([
      s,
      Buffer.from(
        '<!DOCTYPE x [<!ENTITY a "' + 'a'.repeat(1000) + '"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'.repeat(1 + at(r, 3)),
      ),
    ]),
};

/** `n` mutants of `src`, each mutation a few times with the seed, then random stacks of two. */
export function mutants(src: Buffer, seed: number, n: number): Mutant[] {
  const r = rng(seed);
  const names = Object.keys(MUTATIONS);
  const out: Mutant[] = [];
  for (let i = 0; i < n; i++) {
    const first = i < names.length ? names[i] : pick(r, names);
    let bytes = MUTATIONS[first](src, r);
    let name = first;
    if (i >= names.length && r() < 0.5) {
      const second = pick(r, names);
      bytes = MUTATIONS[second](bytes, r);
      name += '+' + second;
    }
    out.push({ name: `#${i} ${name}`, bytes });
  }
  return out;
}
