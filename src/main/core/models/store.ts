// Installed models live in the data folder, never in the repo: DATA/models/NAME/ holds the files of
// the manifest (model.onnx, tokenizer.json) and installed.json, written last, after every check.
// A model without installed.json is not installed (a pull or import that stopped half way).
import fs from 'node:fs';
import path from 'node:path';
import { MANIFESTS, manifestOf, type Manifest, type ModelName } from './manifest';

export interface InstalledInfo {
  name: ModelName;
  /** how it came: pulled from its URL or imported from a file */
  source: 'pull' | 'import';
  from: string;
  sha256: string;
  size: number;
  installed_at: string;
  /** the output the encoder reads (the manifest's, or a tapped one) */
  output: string;
  /** tokenizer.json's sha256 (text models) */
  tokenizer_sha256?: string;
}

export interface InstalledModel {
  manifest: Manifest;
  info: InstalledInfo;
  dir: string;
  modelPath: string;
  tokenizerPath: string | null;
  /** stored with every feature: a different file never mixes silently with this one */
  version: string;
}

export function modelsRoot(dataDir: string): string {
  return path.join(dataDir, 'models');
}

export function modelDir(dataDir: string, name: string): string {
  return path.join(modelsRoot(dataDir), name);
}

/** The installed model NAME, or null (also when its installed.json is unreadable). */
export function findInstalled(dataDir: string, name: ModelName): InstalledModel | null {
  const manifest = manifestOf(name);
  const dir = modelDir(dataDir, name);
  let info: InstalledInfo;
  try {
    info = JSON.parse(fs.readFileSync(path.join(dir, 'installed.json'), 'utf8')) as InstalledInfo;
  } catch {
    return null;
  }
  const modelPath = path.join(dir, manifest.files.find((f) => f.role === 'model')!.file);
  const tok = manifest.files.find((f) => f.role === 'tokenizer');
  const tokenizerPath = tok ? path.join(dir, tok.file) : null;
  if (!fs.existsSync(modelPath) || (tokenizerPath && !fs.existsSync(tokenizerPath))) return null;
  const version = `${info.sha256.slice(0, 12)}${info.tokenizer_sha256 ? '+' + info.tokenizer_sha256.slice(0, 8) : ''}`;
  return { manifest, info, dir, modelPath, tokenizerPath, version };
}

export function listModels(dataDir: string): { manifest: Manifest; installed: InstalledModel | null }[] {
  return MANIFESTS.map((manifest) => ({ manifest, installed: findInstalled(dataDir, manifest.name) }));
}

export function writeInstalled(dir: string, info: InstalledInfo): void {
  const tmp = path.join(dir, `installed.json.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  fs.renameSync(tmp, path.join(dir, 'installed.json'));
}
