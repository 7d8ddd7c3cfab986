// Execution provider choice for the pretrained encoders (--device auto|cpu|cuda|webgpu).
// auto tries CUDA (only when its provider libraries are installed beside onnxruntime-node), then
// WebGPU (bundled in onnxruntime-node; needs a GPU adapter), then CPU. A provider that fails falls
// back to the next with one line saying why; the provider actually used is stored with the features.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { loadOrt } from './ort-runtime';

export type Device = 'auto' | 'cpu' | 'cuda' | 'webgpu';
export type Provider = 'cuda' | 'webgpu' | 'cpu';

/** The one command that installs onnxruntime-node's CUDA provider libraries (CUDA 12 + cuDNN 9 on the machine). */
export const CUDA_INSTALL = 'node node_modules/onnxruntime-node/script/install.js --onnxruntime-node-install=cuda12';

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

/** What this onnxruntime-node build offers, as doctor reports it; `auto`: whether --device auto tries it here. */
export function providerReport(): { name: string; bundled: boolean; installed: boolean; auto: boolean }[] {
  const tried: string[] = candidates('auto');
  return loadOrt()
    .listSupportedBackends()
    .map((b) => ({
      name: b.name,
      bundled: b.bundled,
      installed: b.bundled || (b.name === 'cuda' ? cudaLibrariesInstalled() : false),
      auto: tried.includes(b.name),
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
  if (device === 'auto')
    return [...(cudaLibrariesInstalled() ? (['cuda'] as const) : []), ...(gpuDevicePresent() ? (['webgpu'] as const) : []), 'cpu'];
  return device === 'cpu' ? ['cpu'] : [device, 'cpu'];
}

/** Why auto left out the GPU providers it did not try (null when it tries them all). */
export function autoSkipReason(): string | null {
  const why = [
    ...(cudaLibrariesInstalled() ? [] : [`CUDA provider libraries not installed (${CUDA_INSTALL})`]),
    ...(gpuDevicePresent() ? [] : ['no GPU device for WebGPU']),
  ];
  return why.length ? why.join('; ') : null;
}

// auto's skip line and each fallback line are said once per process, not once per encoder
let autoSkipSaid = false;
const fallbacksSaid = new Set<string>();

export interface OpenedSession {
  session: ort.InferenceSession;
  provider: Provider;
  threads: number;
}

/** Creates the session on the first provider that works; `notes` gets one line per fallback. */
export async function openSession(
  model: string | Uint8Array,
  device: Device,
  notes: (line: string) => void,
  threads = defaultThreads(),
): Promise<OpenedSession> {
  const tries = candidates(device);
  let lastError = '';
  if (device === 'auto' && !autoSkipSaid) {
    const why = autoSkipReason();
    if (why && tries[0] === 'cpu') notes(`device auto: using cpu (${why})`);
    autoSkipSaid = true;
  }
  for (const p of tries) {
    try {
      // not tried where it cannot work: the native layers would print several lines of noise first
      const missing = unavailable(p);
      if (missing) throw new Error(missing);
      const session = await loadOrt().InferenceSession.create(model as string, {
        executionProviders: [p],
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
      return { session, provider: p, threads };
    } catch (e) {
      lastError = reason(e);
      const next = tries[tries.indexOf(p) + 1];
      const line = `${p} execution provider unavailable (${lastError}); using ${next}`;
      if (next && !fallbacksSaid.has(line)) {
        fallbacksSaid.add(line);
        notes(line);
      }
    }
  }
  throw new Error(`no execution provider could run the model: ${lastError}`);
}

/** Why provider p cannot work on this machine, known before trying it (null: try it). */
function unavailable(p: Provider): string | null {
  if (p === 'cuda' && !cudaLibrariesInstalled()) return `its provider libraries are not installed: ${CUDA_INSTALL}`;
  if (p === 'webgpu' && !gpuDevicePresent()) return 'no GPU device found (/dev/dri/renderD*, /dev/nvidia0)';
  return null;
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
