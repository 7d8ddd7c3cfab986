// onnxruntime-node, loaded on first use. Opening its native add-on costs ~50 ms of CPU, which every
// CLI command and extraction worker paid at start though most never run a session (no pretrained
// model installed, audio-only extraction, list, show, train without fusion). Modules that run ONNX
// import its types only (`import type * as ort`) and call loadOrt() where they need a value.
import type * as Ort from 'onnxruntime-node';

let mod: typeof Ort | undefined;

export function loadOrt(): typeof Ort {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (mod ??= require('onnxruntime-node') as typeof Ort);
}
