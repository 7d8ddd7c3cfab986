// Runs ffmpeg with raw output on stdout and collects it (the inputs of the pretrained encoders:
// 16 kHz mono PCM for wav2vec2, the selected frames at 224x224 for ResNet-50). Started like every
// ffmpeg here (media/launcher.ts): not a fork of this process, which holds the ONNX sessions.
import path from 'node:path';
import { ffmpegInput, lastMeaningfulLine } from '../media/probe';
import { runFfmpeg } from '../media/run-ffmpeg';

export async function ffmpegRaw(ffmpeg: string, file: string, outputArgs: string[], opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
  const abs = path.resolve(file);
  const chunks: Uint8Array[] = [];
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', ffmpegInput(abs), ...outputArgs, 'pipe:1'];
  const run = await runFfmpeg(ffmpeg, args, { 1: (b) => chunks.push(b) }, opts.signal, opts.timeoutMs ?? 600_000);
  if (run.code === 0) return Buffer.concat(chunks);
  throw new Error(lastMeaningfulLine(run.stderrLines, abs) || `ffmpeg ended with ${run.signal ?? `exit code ${run.code}`}`);
}
