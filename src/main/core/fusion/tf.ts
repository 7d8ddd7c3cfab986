// TensorFlow.js (core ops + autograd + Adam) on the WebAssembly backend (XNNPACK, SIMD; one thread in
// Node): no native download. tfjs-core's Node bundle carries no gradient functions; the
// @tensorflow/tfjs package registers them (and brings the cpu/webgl backends, left unused).
// Loaded lazily by tfReady() (about 0.4 s and tens of MB), so that importing the fusion module for
// inference or types costs nothing; `tf` is bound once tfReady() has resolved.
import type * as TFCore from '@tensorflow/tfjs-core';

type TF = typeof TFCore;
export let tf: TF = undefined as unknown as TF;

let ready: Promise<TF> | null = null;

/** Last two axes swapped, as a real copy. */
function swapLast(x: TFCore.Tensor): TFCore.Tensor {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(x, perm);
}

/** a^T (or a) times b^T (or b) with the transposes done as copies: on the wasm backend a matmul with
 * a transposed operand leaves XNNPACK for a plain loop (0.4-1.5 instead of 8-20 GFLOP/s here). */
function mm(a: TFCore.Tensor, b: TFCore.Tensor, ta: boolean, tb: boolean): TFCore.Tensor {
  return tf.matMul(ta ? swapLast(a) : a, tb ? swapLast(b) : b);
}

/**
 * tfjs's own BatchMatMul gradient (tfjs-core/src/gradients/BatchMatMul_grad.ts, same maths, same
 * lazy per-input thunks) with explicit transposes. Replacing the registry entry changes speed only.
 */
function registerFastMatMulGradient(): void {
  tf.registerGradient({
    kernelName: tf.BatchMatMul,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      const { transposeA, transposeB } = attrs as unknown as TFCore.BatchMatMulAttrs;
      const g = dy as TFCore.Tensor;
      if (!transposeA && !transposeB) return { a: () => mm(g, b, false, true), b: () => mm(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => mm(g, b, false, false), b: () => mm(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => mm(b, g, false, true), b: () => mm(a, g, false, false) };
      return { a: () => mm(b, g, true, true), b: () => mm(g, a, true, true) };
    },
  });
}

/** Loads tfjs, selects the wasm backend once per process and resolves to the tfjs-core namespace. */
export function tfReady(): Promise<TF> {
  ready ??= (async () => {
    // a CommonJS package: Node's ESM loader puts the full exports on `default`, bundlers on the namespace
    const ns = (await import('@tensorflow/tfjs-core')) as TF & { default?: TF };
    const core = typeof ns.default?.matMul === 'function' ? ns.default : ns;
    await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
    tf = core;
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('TensorFlow.js wasm backend failed to initialise');
    await tf.ready();
    registerFastMatMulGradient();
    return tf;
  })();
  return ready;
}
