// Runs ffmpeg with raw output on stdout and collects it (the inputs of the pretrained encoders:
// 16 kHz mono PCM for wav2vec2, the selected frames at 224x224 for ResNet-50).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ffmpegInput, lastMeaningfulLine } from '../media/probe';

export function ffmpegRaw(ffmpeg: string, file: string, outputArgs: string[], opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Buffer> {
  const abs = path.resolve(file);
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpeg, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', ffmpegInput(abs), ...outputArgs, 'pipe:1'], { stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
    const chunks: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => { if (err.length < 16384) err += c.toString(); });
    const timer = setTimeout(() => p.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    p.on('error', (e) => { clearTimeout(timer); reject(e); });
    p.on('close', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(chunks));
      else reject(new Error(lastMeaningfulLine(err.split('\n'), abs) || `ffmpeg ended with ${sig ?? `exit code ${code}`}`));
    });
  });
}
