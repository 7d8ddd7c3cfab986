// Video pass benchmark (issue 15): the Node-side CPU of a clip's video pass over real decoded frames, with
// no ffmpeg in the timed loop: frame statistics (FrameStatsAccumulator.pushLuma on every frame, then
// selectTopFrames), the selected frames' rgb thumbnails (yuv420ToRgbThumb) and their PNGs (encodeRgbPng);
// with --decode also the whole decodeUnprobed per clip (ffmpeg's pipes and our frame handling; ffmpeg's
// own CPU is not counted). --dump / --compare check that another build stores the same values.
//
//   npx esbuild bench/video-pass-bench.ts --bundle --platform=node --target=node20 --packages=external \
//     --outfile=out/bench/video-pass-bench.js
//   node out/bench/video-pass-bench.js [--dir DIR] [--clips 40] [--rounds 7] [--decode] [--dump F] [--compare F]
//
// DIR defaults to the small-320x240 clips bench/features-bench.ts caches in ~/.cache/emotion-studio-bench.
// Frames are decoded once per run as the extraction decodes them (analysis size, flags=neighbor, tv range,
// yuv420p). Times are process CPU (user + system) per clip; the first round is a warm-up and the median
// of the others is printed (other work on a shared machine only adds time).
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { locateFfmpeg } from '../src/main/core/media/locate-ffmpeg';
import { probeMedia } from '../src/main/core/media/probe';
import { decodeUnprobed } from '../src/main/core/media/decode-clip';
import { FrameStatsAccumulator } from '../src/main/core/features/video/entropy';
import { selectTopFrames } from '../src/main/core/features/video/select-frames';
import { encodeRgbPng, fitSize, thumbFactor } from '../src/main/core/features/video/thumbnail';
import { yuv420FrameBytes, yuv420ToRgbThumb, type ColorMatrix } from '../src/main/core/features/video/yuv';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const DIR = opt('--dir', path.join(os.homedir(), '.cache', 'emotion-studio-bench', 'small-320x240'));
const CLIPS = Number(opt('--clips', '40'));
const ROUNDS = Math.max(2, Number(opt('--rounds', '7')));

interface Clip {
  file: string;
  width: number;
  height: number;
  matrix: ColorMatrix;
  frames: Uint8Array[];
}

interface ClipOut {
  stats: number[]; // entropy, luma, motion of every frame as pushLuma returned them
  selected: number[];
  rgb: string[]; // sha256 of each thumbnail's rgb bytes
  pngBytes: number[];
  png: Buffer[];
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (x: number[]) => [...x].sort((a, b) => a - b)[x.length >> 1];
const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

async function loadClips(ffmpeg: string): Promise<Clip[]> {
  const files = fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.mp4'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .slice(0, CLIPS)
    .map((f) => path.join(DIR, f));
  const clips: Clip[] = [];
  for (const file of files) {
    const pv = (await probeMedia(ffmpeg, file)).video;
    if (!pv) throw new Error(`no video stream in ${file}`);
    const { width, height } = fitSize(pv.width, pv.height, 320);
    const r = spawnSync(
      ffmpeg,
      ['-nostdin', '-v', 'error', '-threads', '1', '-i', file, '-an', '-vf', `scale=${width}:${height}:flags=neighbor:out_range=tv`].concat(
        ['-pix_fmt', 'yuv420p', '-vsync', '0', '-f', 'rawvideo', 'pipe:1'],
      ),
      { maxBuffer: 1 << 30 },
    );
    if (r.status !== 0) throw new Error(`ffmpeg failed on ${file}: ${r.stderr}`);
    const all = Uint8Array.from(r.stdout); // a plain, aligned Uint8Array, as the frame assembly buffer is
    const bytes = yuv420FrameBytes(width, height);
    const frames: Uint8Array[] = [];
    for (let o = 0; o + bytes <= all.length; o += bytes) frames.push(all.subarray(o, o + bytes));
    clips.push({ file, width, height, matrix: pv.colorMatrix ?? (pv.height >= 720 ? 'bt709' : 'bt601'), frames });
  }
  return clips;
}

/** One clip's video pass; adds the CPU of its three parts to t. */
function runClip(c: Clip, t: number[]): ClipOut {
  let t0 = cpuMs();
  const acc = new FrameStatsAccumulator(c.width, c.height);
  const stats: number[] = [];
  for (const f of c.frames) {
    const s = acc.pushLuma(f, 'limited');
    stats.push(s.entropy, s.luma, s.motion);
  }
  const selected = selectTopFrames(acc.result().entropy, 10);
  let t1 = cpuMs();
  t[0] += t1 - t0;
  t0 = t1;
  const f = thumbFactor(c.width, 160);
  const thumbs = selected.map((i) => yuv420ToRgbThumb(c.frames[i], c.width, c.height, f, c.matrix));
  t1 = cpuMs();
  t[1] += t1 - t0;
  t0 = t1;
  const png = thumbs.map((th) => encodeRgbPng(th.data, th.width, th.height));
  t[2] += cpuMs() - t0;
  return { stats, selected, rgb: thumbs.map((th) => sha(th.data)), pngBytes: png.map((p) => p.length), png };
}

async function main(): Promise<void> {
  const ffmpeg = locateFfmpeg().path;
  const clips = await loadClips(ffmpeg);
  const nFrames = clips.reduce((s, c) => s + c.frames.length, 0);
  console.log(
    `${clips.length} clips from ${DIR}, ${nFrames} frames (${clips[0]?.width}x${clips[0]?.height}); load ${os.loadavg()[0].toFixed(2)}`,
  );
  const rounds: number[][] = [];
  let outs: ClipOut[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = [0, 0, 0];
    outs = clips.map((c) => runClip(c, t));
    rounds.push(t.map((x) => x / clips.length));
  }
  const rest = rounds.slice(1);
  const parts = ['frame statistics', 'thumbnail rgb', 'thumbnail PNG'].map(
    (name, k) => `${name} ${median(rest.map((t) => t[k])).toFixed(2)}`,
  );
  const totals = rest.map((t) => t[0] + t[1] + t[2]);
  const png = outs.flatMap((o) => o.pngBytes);
  console.log(
    `video pass, ms CPU per clip (median of rounds 2-${ROUNDS}): ${parts.join(', ')}; total ${median(totals).toFixed(2)} (rounds ${totals.map((x) => x.toFixed(1)).join(' ')})`,
  );
  console.log(`PNG: ${(png.reduce((a, b) => a + b, 0) / png.length).toFixed(0)} bytes per thumbnail on average`);
  if (args.includes('--decode')) {
    const per: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = cpuMs();
      for (const c of clips)
        if (!(await decodeUnprobed(ffmpeg, c.file))?.video) throw new Error(`decodeUnprobed gave no video for ${c.file}`);
      per.push((cpuMs() - t0) / clips.length);
    }
    console.log(
      `decodeUnprobed, Node CPU per clip: median ${median(per.slice(1)).toFixed(1)} ms (rounds ${per.map((x) => x.toFixed(1)).join(' ')})`,
    );
  }
  // what a build stores: every frame's statistics, the selection, the thumbnails' pixels (PNG decoded)
  const dump = outs.map((o, i) => ({
    clip: path.basename(clips[i].file),
    stats: o.stats,
    selected: o.selected,
    rgb: o.rgb,
    pngPixels: o.png.map((p) => {
      const img = PNG.sync.read(p);
      const rgb = new Uint8Array(img.width * img.height * 3);
      for (let j = 0; j < img.width * img.height; j++) rgb.set(img.data.subarray(4 * j, 4 * j + 3), 3 * j);
      return sha(rgb);
    }),
  }));
  for (const d of dump)
    if (d.pngPixels.some((h, j) => h !== d.rgb[j])) throw new Error(`${d.clip}: a PNG does not decode to its thumbnail`);
  const dumpFile = opt('--dump', '');
  if (dumpFile) fs.writeFileSync(dumpFile, JSON.stringify(dump));
  const compareFile = opt('--compare', '');
  if (compareFile) {
    const other = JSON.parse(fs.readFileSync(compareFile, 'utf8')) as typeof dump;
    const same = (k: 'stats' | 'selected' | 'rgb' | 'pngPixels') =>
      other.length === dump.length && dump.every((d, i) => JSON.stringify(d[k]) === JSON.stringify(other[i][k]));
    console.log(
      `against ${compareFile}: frame statistics ${same('stats') ? 'identical' : 'DIFFER'}, selection ${same('selected') ? 'identical' : 'DIFFERS'}, ` +
        `thumbnail rgb ${same('rgb') ? 'identical' : 'DIFFERS'}, PNG pixels ${same('pngPixels') ? 'identical' : 'DIFFER'}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
