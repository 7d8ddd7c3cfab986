import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { decodeText, readTextFile } from '../../src/main/core/corpus/text-file';
import { parseCsvText } from '../../src/main/core/corpus/csv';
import { ImportError } from '../../src/main/core/corpus/types';
import { tmpDir } from '../helpers/tmp';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

const LINE = 'Sr No.,Utterance\n1,You must’ve had your hands full… “really” — café\n';

describe('readTextFile', () => {
  it('reads UTF-8 and strips a BOM', () => {
    t = tmpDir();
    const f = path.join(t.dir, 'a.csv');
    fs.writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LINE, 'utf8')]));
    expect(readTextFile(f)).toEqual({ text: LINE, encoding: 'utf-8' });
  });

  it('decodes Windows-1252 bytes (0x92 -> ’, 0x85 -> …, 0x93/0x94 -> “ ”), never U+FFFD', () => {
    const bytes = iconv.encode(LINE, 'windows-1252');
    expect([...bytes].filter((b) => b === 0x92)).toHaveLength(1);
    const d = decodeText(bytes);
    expect(d.encoding).toBe('windows-1252');
    expect(d.text).toBe(LINE);
  });

  it('decodes a file mixing UTF-8 with stray Windows-1252 bytes', () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,it’s UTF-8 here\n', 'utf8'), iconv.encode('2,and it’s not — here\n', 'windows-1252')]);
    const d = decodeText(bytes);
    expect(d.encoding).toBe('utf-8+windows-1252');
    expect(d.text).toBe('a,b\n1,it’s UTF-8 here\n2,and it’s not — here\n');
  });

  it('reads UTF-16 with a BOM and refuses binary files', () => {
    const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(LINE, 'utf-16le')]);
    expect(decodeText(u16)).toEqual({ text: LINE, encoding: 'utf-16le' });
    const noBom = iconv.encode('a,b\n1,2\n', 'utf-16le');
    expect(decodeText(noBom)).toEqual({ text: 'a,b\n1,2\n', encoding: 'utf-16le' });
    expect(() => decodeText(Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x9c]), 'x.bin')).toThrow(/x\.bin: binary file/);
    expect(() => decodeText(Buffer.from([0x41, 0x00, 0x07, 0x00, 0x41, 0x00]), 'y.bin')).toThrow(ImportError);
  });
});

describe('parseCsvText', () => {
  it('sniffs ; and tab delimiters and numbers lines through quoted line breaks and blank lines', () => {
    const p = parseCsvText('a;b\r\n"1\r\nx";2\r\n\r\n3;4\r\n', 'f.csv');
    expect(p.delimiter).toBe(';');
    expect(p.rows).toEqual([
      { fields: ['1\nx', '2'], line: 2 },
      { fields: ['3', '4'], line: 5 },
    ]);
    expect(parseCsvText('a\tb\n1\t2\n', 'f.tsv').rows[0].fields).toEqual(['1', '2']);
  });

  it('reports an unclosed quote at the line where its record starts', () => {
    const p = parseCsvText('a,b\n1,2\n\n3,"open\n4,5\n', 'f.csv');
    expect(p.rows).toEqual([{ fields: ['1', '2'], line: 2 }]);
    expect(p.issues).toEqual([{ file: 'f.csv', row: 4, message: expect.stringMatching(/never closed/) }]);
  });
});
