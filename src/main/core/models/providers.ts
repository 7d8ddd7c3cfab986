// Execution provider choice for the pretrained encoders (--device auto|cpu|cuda|webgpu).
// auto tries CUDA (only when its provider libraries are installed beside onnxruntime-node), then
// WebGPU (bundled in onnxruntime-node; needs a GPU adapter), then CPU. A provider that fails falls
// back to the next with one line saying why; the provider actually used is stored with the features.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

export type Device = 'auto' | 'cpu' | 'cuda' | 'webgpu';
export type Provider = 'cuda' | 'webgpu' | 'cpu';

/** Where onnxruntime-node keeps its native libraries (the CUDA ones are an optional download). */
export function ortBinDir(): string | null {
  try {
    const pkg = require.resolve('onnxruntime-node/package.json');
    return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

export function cudaLibrariesInstalled(): boolean {
  const dir = ortBinDir();
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return !!dir && fs.existsSync(path.join(dir, lib));
}

/** What this onnxruntime-node build offers, as doctor reports it. */
export function providerReport(): { name: string; bundled: boolean; installed: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({
    name: b.name,
    bundled: b.bundled,
    installed: b.bundled || (b.name === 'cuda' ? cudaLibrariesInstalled() : false),
  }));
}

/** Linux without a GPU device node: WebGPU cannot find an adapter (and its native layer prints
 * several lines of noise trying), so auto skips it there. */
export function gpuDevicePresent(): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return fs.readdirSync('/dev/dri').some((f) => f.startsWith('renderD')) || fs.existsSync('/dev/nvidia0');
  } catch {
    return fs.existsSync('/dev/nvidia0');
  }
}

export function candidates(device: Device): Provider[] {
  if (device === 'auto') return [...(cudaLibrariesInstalled() ? (['cuda'] as const) : []), ...(gpuDevicePresent() ? (['webgpu'] as const) : []), 'cpu'];
  return device === 'cpu' ? ['cpu'] : [device, 'cpu'];
}

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: Provider;
  threads: number;
}

/** Creates the session on the first provider that works; `notes` gets one line per fallback. */
export async function openSession(model: string | Uint8Array, device: Device, notes: (line: string) => void, threads = defaultThreads()): Promise<OpenedSession> {
  const tries = candidates(device);
  let lastError = '';
  for (const p of tries) {
    try {
      const session = await ort.InferenceSession.create(model as string, {
        executionProviders: [p],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      return { session, provider: p, threads };
    } catch (e) {
      lastError = reason(e);
      const next = tries[tries.indexOf(p) + 1];
      if (next) notes(`${p} execution provider unavailable (${lastError}); using ${next}`);
    }
  }
  throw new Error(`no execution provider could run the model: ${lastError}`);
}

export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // ORT messages carry a source path and a long tail: keep the part that says what went wrong
  const m = /(Failed to [^.\n]*|No supported adapter[^.\n]*|cannot open shared object file[^\n]*)/i.exec(msg);
  return (m ? m[1] : msg.split('\n')[0]).slice(0, 200);
}
