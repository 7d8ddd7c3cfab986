// Installing a model: `models pull NAME` (download the manifest's files) and `models import FILE`
// (a file a lab copied in by hand). Both stage the files in DATA/models/NAME/.staging, check the
// graph's inputs and output against the manifest (exposing a tapped output where the manifest says
// so), and only then move them in place and write installed.json.
import fs from 'node:fs';
import path from 'node:path';
import { manifestOf, ModelError, type Manifest, type ModelName } from './manifest';
import { download, sha256File, type DownloadOptions } from './download';
import { compareIo, inspectModel, outputName, type ModelIo } from './inspect';
import { addOutput, findTapTensor } from './onnx-tap';
import { modelDir, writeInstalled, findInstalled, type InstalledModel } from './store';

export interface PullOptions {
  /** a mirror laid out as BASE/NAME/FILE instead of the manifest's URLs */
  baseUrl?: string;
  idleTimeoutMs?: number;
  onProgress?: (file: string, done: number, total: number | null) => void;
  signal?: AbortSignal;
}

export interface InstallResult {
  model: InstalledModel;
  /** the output was exposed from inside the graph (tap) */
  tapped: string | null;
  resumed: { file: string; from: number }[];
}

export async function pullModel(dataDir: string, name: string, o: PullOptions = {}): Promise<InstallResult> {
  const m = manifestOf(name);
  const staging = stagingDir(dataDir, m.name);
  const resumed: InstallResult['resumed'] = [];
  for (const f of m.files) {
    const url = o.baseUrl ? `${o.baseUrl.replace(/\/+$/, '')}/${m.name}/${f.file}` : f.url;
    const dl: DownloadOptions = {
      size: f.size,
      sha256: f.sha256,
      idleTimeoutMs: o.idleTimeoutMs,
      signal: o.signal,
      onProgress: (d, t) => o.onProgress?.(f.file, d, t),
    };
    const r = await download(url, path.join(staging, f.file), dl);
    if (r.resumedFrom > 0) resumed.push({ file: f.file, from: r.resumedFrom });
  }
  const modelFile = m.files.find((f) => f.role === 'model')!;
  const res = await finishInstall(dataDir, m, 'pull', o.baseUrl ?? modelFile.url);
  return { ...res, resumed };
}

export async function importModel(dataDir: string, name: string, file: string, tokenizer?: string): Promise<InstallResult> {
  const m = manifestOf(name);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ModelError(`cannot read ${file}: no such file`);
  const tok = m.files.find((f) => f.role === 'tokenizer');
  if (tok && !tokenizer) throw new ModelError(`${m.name} needs its tokenizer: add --tokenizer path/to/${tok.file}`);
  if (!tok && tokenizer) throw new ModelError(`${m.name} has no tokenizer file (--tokenizer is for all-MiniLM-L6-v2)`);
  if (tokenizer && !fs.existsSync(tokenizer)) throw new ModelError(`cannot read ${tokenizer}: no such file`);
  const staging = stagingDir(dataDir, m.name);
  fs.copyFileSync(file, path.join(staging, m.files.find((f) => f.role === 'model')!.file));
  if (tok && tokenizer) fs.copyFileSync(tokenizer, path.join(staging, tok.file));
  return { ...(await finishInstall(dataDir, m, 'import', path.resolve(file))), resumed: [] };
}

function stagingDir(dataDir: string, name: ModelName): string {
  const d = path.join(modelDir(dataDir, name), '.staging');
  fs.mkdirSync(d, { recursive: true });
  return d;
}

async function finishInstall(
  dataDir: string,
  m: Manifest,
  source: 'pull' | 'import',
  from: string,
): Promise<Omit<InstallResult, 'resumed'>> {
  const dir = modelDir(dataDir, m.name);
  const staging = path.join(dir, '.staging');
  const modelName = m.files.find((f) => f.role === 'model')!.file;
  const stagedModel = path.join(staging, modelName);
  const label = source === 'import' ? from : `${m.name}/${modelName}`;
  const sha256 = await sha256File(stagedModel);
  const size = fs.statSync(stagedModel).size;
  let bytes: Uint8Array = fs.readFileSync(stagedModel);
  let io: ModelIo;
  try {
    io = await inspectModel(bytes);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    const msg = (e as Error).message;
    // exports over 2 GB (and newer torch exports) keep their weights in a sibling PATH.data file
    if (/external data/i.test(msg))
      throw new ModelError(
        `${label} keeps its weights in a separate external-data file; only single-file ONNX models can be installed (re-save it as one file, e.g. onnx.save_model(onnx.load(PATH), OUT) in Python)`,
      );
    throw new ModelError(`${label} is not a loadable ONNX model: ${firstLine(msg)}`);
  }
  let tapped: string | null = null;
  if (m.tap && !io.outputs.some((o) => o.name === outputName(m, io)) && io.outputs.some((o) => o.name === m.tap!.from)) {
    const tensor = findTapTensor(bytes, m.output.name, m.tap.from);
    if (tensor) {
      bytes = addOutput(bytes, tensor, m.output.name);
      io = await inspectModel(bytes);
      tapped = tensor;
    }
  }
  const problems = compareIo(m, io);
  if (problems.length) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new ModelError(`${label} does not match the ${m.name} manifest: ${problems.join('; ')}`);
  }
  if (tapped) fs.writeFileSync(stagedModel, bytes);
  const tok = m.files.find((f) => f.role === 'tokenizer');
  let tokenizerSha: string | undefined;
  if (tok) {
    const t = path.join(staging, tok.file);
    try {
      const j = JSON.parse(fs.readFileSync(t, 'utf8')) as { model?: { vocab?: unknown } };
      if (!j.model?.vocab) throw new Error('no model.vocab');
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw new ModelError(`${tok.file} is not a Hugging Face tokenizer.json: ${(e as Error).message}`);
    }
    tokenizerSha = await sha256File(t);
  }
  // move in place; installed.json last, so a crash before it leaves the model "not installed"
  fs.rmSync(path.join(dir, 'installed.json'), { force: true });
  for (const f of m.files) fs.renameSync(path.join(staging, f.file), path.join(dir, f.file));
  fs.rmSync(staging, { recursive: true, force: true });
  writeInstalled(dir, {
    name: m.name,
    source,
    from,
    sha256,
    size,
    installed_at: new Date().toISOString(),
    output: outputName(m, io),
    ...(tokenizerSha ? { tokenizer_sha256: tokenizerSha } : {}),
  });
  const model = findInstalled(dataDir, m.name);
  if (!model) throw new ModelError(`${m.name}: installed files not found in ${dir}`);
  return { model, tapped };
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 300);
}
