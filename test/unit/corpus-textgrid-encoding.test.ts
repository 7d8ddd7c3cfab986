// A Praat TextGrid in a legacy 8-bit encoding is read by a guess from its bytes; the import says which
// encoding it guessed, naming the file, so a wrong guess (Cyrillic windows-1251 read as windows-1252)
// does not pass silently. UTF-8 and UTF-16 files get no such note.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { readTextGridFile } from '../../src/main/core/corpus/textgrid';
import { tmpDir } from '../helpers/tmp';

let t: ReturnType<typeof tmpDir> | null = null;
afterEach(() => {
  t?.cleanup();
  t = null;
});

const grid = (speaker: string, text: string) =>
  [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0',
    'xmax = 3',
    'tiers? <exists>',
    'size = 1',
    'item []:',
    '    item [1]:',
    '        class = "IntervalTier"',
    `        name = "${speaker}"`,
    '        xmin = 0',
    '        xmax = 3',
    '        intervals: size = 1',
    '        intervals [1]:',
    '            xmin = 0',
    '            xmax = 3',
    `            text = "${text}"`,
  ].join('\n') + '\n';

function read(name: string, bytes: Buffer) {
  t ??= tmpDir('es-tgenc-');
  const file = path.join(t.dir, name);
  fs.writeFileSync(file, bytes);
  const b = readTextGridFile(file);
  return { file, b, notes: b.issues.filter((i) => /encoding|UTF/.test(i.message)) };
}

describe('TextGrid encodings', () => {
  it('a legacy 8-bit file: its text as guessed, and a note naming the file and the encoding guessed', () => {
    const fr = read('fr.TextGrid', iconv.encode(grid('Zoé', 'Ça va très bien, déjà vu à Noël'), 'windows-1252'));
    expect(fr.b.records[0].text).toBe('Ça va très bien, déjà vu à Noël');
    expect(fr.notes).toEqual([
      {
        file: fr.file,
        row: null,
        message: 'not UTF-8 or UTF-16: read as windows-1252, a guess from its bytes (if the text looks wrong, save it from Praat as UTF-8)',
      },
    ]);
    const ru = read('ru.TextGrid', iconv.encode(grid('Иван', 'Привет, как дела'), 'windows-1251'));
    expect(ru.notes).toHaveLength(1);
    expect(ru.notes[0].file).toBe(ru.file);
  });

  it('UTF-8 and UTF-16 with a byte-order mark: no note', () => {
    const text = grid('Иван', 'Привет, как дела');
    expect(read('u8.TextGrid', Buffer.from(text, 'utf8')).notes).toEqual([]);
    expect(read('u16.TextGrid', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')])).notes).toEqual([]);
    expect(read('u8.TextGrid', Buffer.from(text, 'utf8')).b.records[0].text).toBe('Привет, как дела');
  });
});
