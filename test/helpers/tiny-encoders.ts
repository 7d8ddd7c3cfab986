// Tiny ONNX stand-ins for the three pretrained encoders, written with the project's onnx-proto:
// the same input and output names, types and dynamic axes as the real exports, and the real output
// widths (768, 2048, 384), with a few weights whose outputs a test can compute by hand.
//   wav2vec2: last_hidden_state[b, t, d] = sum_k W[d, k] * x[b, 320 t + k] + B[d]   (Conv k=400, stride 320)
//   resnet:   pooler_output[b, c]        = sum_ch W[c, ch] * mean(pixel_values[b, ch]) + B[c]
//   minilm:   last_hidden_state[b, s]    = E[input_ids] + T[token_type_ids] + attention_mask * M
// Variants with a task head (CTC logits, ImageNet logits) mimic the published exports, which only
// return the head's output; a variant with a wrong input checks that import refuses it.
import fs from 'node:fs';
import path from 'node:path';
import * as protobuf from 'protobufjs/light';
import { AttributeType, DataType, encodeModel } from '../../src/main/core/fusion/onnx-proto';
import { appendToGraph } from '../../src/main/core/models/onnx-tap';

export const W2V = { dim: 768, kernel: 400, stride: 320 };
export const RESNET = { dim: 2048 };
export const MINILM = { dim: 384 };

/** Deterministic small weights: value i of tensor `seed`. */
export function weight(seed: number, i: number): number {
  const x = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
  return (x - Math.floor(x) - 0.5) * 0.2;
}
function weights(seed: number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = weight(seed, i);
  return a;
}

type Dim = number | string;
const bytes = (a: Float32Array | BigInt64Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
const vi = (name: string, elemType: number, dims: Dim[]) => ({
  name,
  type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});
const f32 = (name: string, dims: number[], data: Float32Array) => ({ name, dims, dataType: DataType.FLOAT, rawData: bytes(data) });
const i64 = (name: string, values: number[]) => ({
  name,
  dims: [values.length],
  dataType: DataType.INT64,
  rawData: bytes(BigInt64Array.from(values.map(BigInt))),
});
const node = (opType: string, input: string[], output: string[], attribute: Record<string, unknown>[] = []) => ({
  opType,
  input,
  output,
  name: `${opType}_${output[0]}`,
  attribute,
});
const ints = (name: string, v: number[]) => ({ name, type: AttributeType.INTS, ints: v });
const int = (name: string, v: number) => ({ name, type: AttributeType.INT, i: v });

function model(nodes: unknown[], inits: unknown[], inputs: unknown[], outputs: unknown[]): Uint8Array {
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'emotion-studio-tests',
    graph: { name: 'tiny', node: nodes, initializer: inits, input: inputs, output: outputs },
  });
}

export const w2vWeights = () => ({ W: weights(1, W2V.dim * W2V.kernel), B: weights(2, W2V.dim) });

export function tinyWav2Vec2(opts: { ctcHead?: boolean; inputName?: string } = {}): Uint8Array {
  const { W, B } = w2vWeights();
  const nodes: unknown[] = [
    node('Unsqueeze', [opts.inputName ?? 'input_values', 'axes1'], ['x3']),
    node('Conv', ['x3', 'conv.W', 'conv.B'], ['conv'], [ints('kernel_shape', [W2V.kernel]), ints('strides', [W2V.stride])]),
    node('Transpose', ['conv'], [opts.ctcHead ? 'encoder_out' : 'last_hidden_state'], [ints('perm', [0, 2, 1])]),
  ];
  const inits: unknown[] = [i64('axes1', [1]), f32('conv.W', [W2V.dim, 1, W2V.kernel], W), f32('conv.B', [W2V.dim], B)];
  let outputs = [vi('last_hidden_state', DataType.FLOAT, ['batch_size', 'frames', W2V.dim])];
  if (opts.ctcHead) {
    nodes.push(node('MatMul', ['encoder_out', 'lm_head.W'], ['lm']), node('Add', ['lm', 'lm_head.B'], ['logits']));
    inits.push(f32('lm_head.W', [W2V.dim, 32], weights(3, W2V.dim * 32)), f32('lm_head.B', [32], weights(4, 32)));
    outputs = [vi('logits', DataType.FLOAT, ['batch_size', 'frames', 32])];
  }
  return model(nodes, inits, [vi(opts.inputName ?? 'input_values', DataType.FLOAT, ['batch_size', 'sequence_length'])], outputs);
}

export const resnetWeights = () => ({ W: weights(5, RESNET.dim * 3), B: weights(6, RESNET.dim) });

export function tinyResNet(opts: { classifierHead?: boolean; inputName?: string; externalWeights?: boolean } = {}): Uint8Array {
  const { W, B } = resnetWeights();
  const input = opts.inputName ?? 'pixel_values';
  const nodes: unknown[] = [
    node('GlobalAveragePool', [input], ['gap']),
    node('Conv', ['gap', 'proj.W', 'proj.B'], ['pooler_output'], [ints('kernel_shape', [1, 1])]),
  ];
  const inits: unknown[] = [...(opts.externalWeights ? [] : [f32('proj.W', [RESNET.dim, 3, 1, 1], W)]), f32('proj.B', [RESNET.dim], B)];
  let outputs = [vi('pooler_output', DataType.FLOAT, ['batch_size', RESNET.dim, 1, 1])];
  if (opts.classifierHead) {
    nodes.push(
      node('Flatten', ['pooler_output'], ['flat'], [int('axis', 1)]),
      node('Gemm', ['flat', 'fc.W', 'fc.B'], ['logits'], [int('transB', 1)]),
    );
    inits.push(f32('fc.W', [10, RESNET.dim], weights(7, 10 * RESNET.dim)), f32('fc.B', [10], weights(8, 10)));
    outputs = [vi('logits', DataType.FLOAT, ['batch_size', 10])];
  }
  const m = model(nodes, inits, [vi(input, DataType.FLOAT, ['batch_size', 3, 224, 224])], outputs);
  return opts.externalWeights ? withExternalInitializer(m, 'proj.W', [RESNET.dim, 3, 1, 1]) : m;
}

/** The model with its initializer `name` moved to a sibling model.onnx.data file (ONNX external
 * data, as large and newer torch exports write it): the tensor only names the file, offset and length. */
function withExternalInitializer(m: Uint8Array, name: string, dims: number[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const d of dims) w.uint32((1 << 3) | 0).int64(d);
  w.uint32((2 << 3) | 0)
    .int32(DataType.FLOAT)
    .uint32((8 << 3) | 2)
    .string(name);
  const n = dims.reduce((a, b) => a * b, 1) * 4;
  for (const [k, v] of [
    ['location', 'model.onnx.data'],
    ['offset', '0'],
    ['length', String(n)],
  ]) {
    w.uint32((13 << 3) | 2).bytes(
      protobuf.Writer.create()
        .uint32((1 << 3) | 2)
        .string(k)
        .uint32((2 << 3) | 2)
        .string(v)
        .finish(),
    );
  }
  w.uint32((14 << 3) | 0).int32(1); // data_location: EXTERNAL
  // appended as a graph initializer (GraphProto field 5)
  return appendToGraph(
    m,
    protobuf.Writer.create()
      .uint32((5 << 3) | 2)
      .bytes(w.finish())
      .finish(),
  );
}

export const TINY_VOCAB = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'hello',
  'world',
  'i',
  'am',
  'happy',
  'sad',
  'play',
  '##ing',
  '##s',
  'you',
  'are',
  'the',
  'good',
  '.',
  ',',
  '!',
  '?',
  'what',
  'oh',
  'my',
  'god',
  'no',
  'yes',
  'it',
  'is',
  'fine',
];
export const minilmWeights = () => ({
  E: weights(9, TINY_VOCAB.length * MINILM.dim),
  T: weights(10, 2 * MINILM.dim),
  M: weights(11, MINILM.dim),
});

export function tinyMiniLm(opts: { outputName?: string } = {}): Uint8Array {
  const out = opts.outputName ?? 'last_hidden_state';
  const { E, T, M } = minilmWeights();
  const ax = ['batch_size', 'sequence_length'];
  return model(
    [
      node('Gather', ['E', 'input_ids'], ['e']),
      node('Gather', ['T', 'token_type_ids'], ['t']),
      node('Cast', ['attention_mask'], ['maskf'], [int('to', DataType.FLOAT)]),
      node('Unsqueeze', ['maskf', 'axes2'], ['mask3']),
      node('Mul', ['mask3', 'M'], ['m']),
      node('Add', ['e', 't'], ['et']),
      node('Add', ['et', 'm'], [out]),
    ],
    [f32('E', [TINY_VOCAB.length, MINILM.dim], E), f32('T', [2, MINILM.dim], T), f32('M', [MINILM.dim], M), i64('axes2', [2])],
    [vi('input_ids', DataType.INT64, ax), vi('attention_mask', DataType.INT64, ax), vi('token_type_ids', DataType.INT64, ax)],
    [vi(out, DataType.FLOAT, ['batch_size', 'sequence_length', MINILM.dim])],
  );
}

/** A BERT-style WordPiece tokenizer.json over TINY_VOCAB (lower-casing, punctuation split, [CLS] ... [SEP]). */
export function tinyTokenizerJson(): string {
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const tok = (t: string) => ({ id: t, ids: [TINY_VOCAB.indexOf(t)], tokens: [t] });
  return JSON.stringify({
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((t, i) => special(i, t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': tok('[CLS]'), '[SEP]': tok('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((t, i) => [t, i])),
    },
  });
}

/** Writes the files a mirror serves (BASE/NAME/FILE) into dir; returns their paths. */
export function writeTinyModels(dir: string, opts: { publishedHeads?: boolean } = {}) {
  const files = {
    wav2vec2: path.join(dir, 'wav2vec2-base-960h', 'model.onnx'),
    resnet: path.join(dir, 'resnet-50', 'model.onnx'),
    minilm: path.join(dir, 'all-MiniLM-L6-v2', 'model.onnx'),
    tokenizer: path.join(dir, 'all-MiniLM-L6-v2', 'tokenizer.json'),
  };
  for (const f of Object.values(files)) fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(files.wav2vec2, tinyWav2Vec2({ ctcHead: opts.publishedHeads }));
  fs.writeFileSync(files.resnet, tinyResNet({ classifierHead: opts.publishedHeads }));
  fs.writeFileSync(files.minilm, tinyMiniLm());
  fs.writeFileSync(files.tokenizer, tinyTokenizerJson());
  return files;
}
