#!/usr/bin/env node
// Silero VAD speed and memory on a long recording: espeak-ng sentences between known pauses
// (test/helpers/espeak-speech.ts), repeated to --minutes, segmented by the tool's own code
// (jobs/segment.ts: pieces of 2 min decoded by ffmpeg, the model on onnxruntime-node).
// Prints the real-time factor, model time per 32 ms window, segments found against sentences
// placed, and the peak RSS (memory stays bounded by the piece, not by the recording).
//
//   node bench/vad-bench.mjs [--minutes 10] [--device cpu|auto|cuda|webgpu] [--json]
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { benchArgs } from './args.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = benchArgs();
const minutes = Number(args.minutes ?? 10);
const device = args.device ?? 'cpu';
const log = (s) => process.stderr.write(s + '\n');

fs.mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
const tmp = fs.mkdtempSync(path.join(root, 'node_modules/.cache/vad-bench-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const outfile = path.join(tmp, 'vad.cjs');
await build({
  stdin: {
    contents: [
      "export { speechRecording } from './test/helpers/espeak-speech.ts';",
      "export { SileroVad } from './src/main/core/encoders/silero-vad.ts';",
      "export { segmentRecording } from './src/main/core/jobs/segment.ts';",
      "export { locateFfmpeg } from './src/main/core/media/locate-ffmpeg.ts';",
      "export { closeLauncher } from './src/main/core/media/launcher.ts';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  outfile,
  logLevel: 'warning',
});
const require = createRequire(path.join(root, 'package.json'));
const { speechRecording, SileroVad, segmentRecording, locateFfmpeg, closeLauncher } = require(outfile);
const ffmpeg = locateFfmpeg().path;

// one block of 12 sentences (about 1 min), repeated to the length asked for
const block = speechRecording(ffmpeg, path.join(tmp, 'block.wav'));
const reps = Math.max(1, Math.round((minutes * 60) / block.durationS));
const list = path.join(tmp, 'list.txt');
fs.writeFileSync(list, Array.from({ length: reps }, () => `file '${path.join(tmp, 'block.wav')}'`).join('\n'));
const file = path.join(tmp, 'long.m4a');
execFileSync(ffmpeg, ['-nostdin', '-loglevel', 'error', '-f', 'concat', '-safe', '0', '-i', list, '-c:a', 'aac', '-b:a', '64k', file]);
const placed = reps * block.truth.length;
log(`recording: ${((reps * block.durationS) / 60).toFixed(1)} min, ${placed} sentences (AAC in .m4a)`);

const vad = await SileroVad.open(device, log);
let peakRss = process.memoryUsage().rss;
const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const t0 = performance.now();
const { segments, durationS } = await segmentRecording(vad, file, { ffmpeg });
const ms = performance.now() - t0;
clearInterval(timer);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await vad.release();
closeLauncher();

const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.availableParallelism()}, load ${os.loadavg()[0].toFixed(1)}`,
  device,
  provider: vad.provider,
  recording_s: Math.round(durationS),
  seconds: +(ms / 1000).toFixed(2),
  realtime_x: +((durationS * 1000) / ms).toFixed(1),
  ms_per_window: +(ms / ((durationS * 16000) / 512)).toFixed(3),
  sentences: placed,
  segments: segments.length,
  peak_rss_mb: Math.round(peakRss / 1048576),
};
if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
else {
  process.stdout.write(
    `Silero VAD v5 on ${result.provider}: ${result.recording_s} s of speech recording in ${result.seconds} s ` +
      `(${result.realtime_x}x real time, ${result.ms_per_window} ms per 32 ms window, decode included); ` +
      `${result.segments} segments for ${result.sentences} sentences; peak RSS ${result.peak_rss_mb} MB (${result.machine})\n`,
  );
}
