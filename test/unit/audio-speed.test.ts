// computeAudioSummary must stay fast: a 3.6 s clip well under 30 ms on one core.
import { describe, expect, it } from 'vitest';
import { computeAudioSummary } from '../../src/main/core/features/audio';

describe('audio feature speed', () => {
  it('a 3.6 s clip takes well under 30 ms of CPU', () => {
    const sr = 16000;
    const n = Math.round(3.6 * sr);
    // worst case for the pitch tracker: every frame loud and periodic (a gliding voice), plus noise
    let st = 42;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
      const t = i / sr;
      x[i] = 0.4 * Math.sin(2 * Math.PI * (120 + 40 * Math.sin(2 * Math.PI * 0.5 * t)) * t) + 0.05 * (st / 2 ** 32 - 0.5);
    }
    for (let i = 0; i < 10; i++) computeAudioSummary(x, sr); // JIT warm-up
    // CPU time, not wall time: on a shared CI machine the wall clock also counts time the process
    // spent waiting for a core. The code is single-threaded, so CPU time is the one-core cost.
    const runs = 20;
    const walls: number[] = [];
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      computeAudioSummary(x, sr);
      walls.push(performance.now() - t0);
    }
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / runs;
    walls.sort((a, b) => a - b);
    console.log(
      `computeAudioSummary, 3.6 s clip: ${cpuMs.toFixed(2)} ms CPU per clip; wall min ${walls[0].toFixed(2)} ms, median ${walls[runs >> 1].toFixed(2)} ms`,
    );
    // CPU time is immune to waiting for a core, the best wall time to background threads (GC, JIT)
    // being counted; either one being under the limit shows the code itself is.
    expect(Math.min(cpuMs, walls[0])).toBeLessThan(30);
  });
});
