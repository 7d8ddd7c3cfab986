// An independent Praat TextGrid reader for tests (not the exporter's code). Like Praat's own text
// reader it keeps only the values — quoted strings ("" escapes a quote), numbers and <flags> — and
// skips labels such as `xmin =` and `item [1]:`, so it reads both the long and the short format.

export interface TgInterval {
  xmin: number;
  xmax: number;
  text: string;
}
export interface TgTier {
  cls: string;
  name: string;
  xmin: number;
  xmax: number;
  intervals: TgInterval[];
}
export interface TextGridFile {
  xmin: number;
  xmax: number;
  tiers: TgTier[];
}

type Token = { s: string } | { n: number } | { flag: string };

function tokens(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new Error('unterminated string');
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ s });
    } else if (c === '!') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '<') {
      const j = src.indexOf('>', i);
      out.push({ flag: src.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '[') {
      i = src.indexOf(']', i) + 1; // item [1]:, intervals [3]:
    } else if (/[-+\d.]/.test(c) && !/[A-Za-z_]/.test(src[i - 1] ?? ' ')) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i, i + 40));
      if (!m) {
        i++;
        continue;
      }
      out.push({ n: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z_?\d]/.test(src[i])) i++; // a label word
    } else i++;
  }
  return out;
}

export function readTextGrid(src: string): TextGridFile {
  const t = tokens(src.replace(/^\uFEFF/, ''));
  let k = 0;
  const str = () => {
    const x = t[k++];
    if (!x || !('s' in x)) throw new Error(`string expected at token ${k - 1}`);
    return x.s;
  };
  const num = () => {
    const x = t[k++];
    if (!x || !('n' in x)) throw new Error(`number expected at token ${k - 1}`);
    return x.n;
  };
  if (str() !== 'ooTextFile' || str() !== 'TextGrid') throw new Error('not a TextGrid');
  const xmin = num();
  const xmax = num();
  const flag = t[k++];
  if (!flag || !('flag' in flag) || flag.flag !== 'exists') return { xmin, xmax, tiers: [] };
  const size = num();
  const tiers: TgTier[] = [];
  for (let j = 0; j < size; j++) {
    const cls = str();
    const name = str();
    const tx0 = num();
    const tx1 = num();
    const n = num();
    const intervals: TgInterval[] = [];
    for (let q = 0; q < n; q++) {
      if (cls === 'IntervalTier') intervals.push({ xmin: num(), xmax: num(), text: str() });
      else {
        const at = num();
        intervals.push({ xmin: at, xmax: at, text: str() });
      }
    }
    tiers.push({ cls, name, xmin: tx0, xmax: tx1, intervals });
  }
  return { xmin, xmax, tiers };
}
