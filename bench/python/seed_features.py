#!/usr/bin/env python3
"""The seed pipeline's own audio features (V3 + V4), timed, for the speed comparison.

    .venv-pyref/bin/python bench/python/seed_features.py --ffmpeg /path/to/ffmpeg CLIP [CLIP ...]

For each clip: decode with ffmpeg to 16 kHz mono float32 (piped, no temp file), then what the
seed computes: torchaudio MFCC (n_mfcc=25) mean over time (V3); librosa spectral_centroid,
zero_crossing_rate, rms (means), beat_track tempo and piptrack pitch (mean of the positive
pitch bins), tiled 5 x 5 to 25 values (V4).

Prints one JSON object to stdout:
    {"cpu_s": c, "clips": n, "total_s": s, "per_clip_ms": ms, "failed": k, "threads": t, "warmup_s": w}
cpu_s: CPU of the clip loop (this process + its ffmpeg children).
total_s / per_clip_ms cover decode + features of the clips that succeeded, excluding the Python
imports and a one-off warm-up on a synthetic second of audio (numba compiles librosa's kernels
on first use, which is start-up cost like the imports). --threads (default 1) pins torch and
the BLAS pools so the comparison with the single-threaded TypeScript code is per core.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

SR = 16000


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ffmpeg", default="ffmpeg", help="ffmpeg binary used to decode")
    ap.add_argument("--threads", type=int, default=1, help="torch / BLAS threads (0: library default)")
    ap.add_argument("--features-out", help="optional JSONL file with the per-clip feature values")
    ap.add_argument("clips", nargs="+")
    return ap.parse_args()


args = parse_args()
if args.threads > 0:
    # must be set before numpy / torch load their thread pools
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(args.threads)

import numpy as np  # noqa: E402
import librosa  # noqa: E402
import torch  # noqa: E402
import torchaudio  # noqa: E402

if args.threads > 0:
    torch.set_num_threads(args.threads)

MFCC = torchaudio.transforms.MFCC(sample_rate=SR, n_mfcc=25)


def decode(path: str) -> np.ndarray:
    out = subprocess.run(
        [args.ffmpeg, "-v", "error", "-nostdin", "-i", path, "-vn", "-ac", "1", "-ar", str(SR), "-f", "f32le", "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(out, dtype="<f4").copy()


def seed_features(y: np.ndarray) -> dict:
    # V3: torchaudio MFCC, 25 coefficients, mean over time
    mfcc = MFCC(torch.from_numpy(y)).mean(dim=-1).numpy()
    # V4: five librosa values, tiled to 25
    centroid = float(np.mean(librosa.feature.spectral_centroid(y=y, sr=SR)))
    zcr = float(np.mean(librosa.feature.zero_crossing_rate(y)))
    rms = float(np.mean(librosa.feature.rms(y=y)))
    tempo, _ = librosa.beat.beat_track(y=y, sr=SR)
    tempo = float(np.atleast_1d(tempo)[0])
    pitches, _mags = librosa.piptrack(y=y, sr=SR)
    pos = pitches[pitches > 0]
    pitch = float(np.mean(pos)) if pos.size else 0.0
    v4 = np.tile([centroid, zcr, rms, tempo, pitch], 5)
    return {"mfcc_mean": mfcc.tolist(), "v4": v4.tolist()}


def main() -> int:
    t0 = time.perf_counter()
    t = np.arange(SR) / SR
    seed_features((0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32))
    warmup = time.perf_counter() - t0

    out = open(args.features_out, "w") if args.features_out else None
    # CPU of the clip loop: this process and the ffmpeg runs it waited for (wall time means
    # little on a loaded machine; one thread, so on an idle one its wall is about this)
    cpu0 = time.process_time()
    ch0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = 0
    failed = 0
    total = 0.0
    feat_total = 0.0
    for path in args.clips:
        start = time.perf_counter()
        try:
            y = decode(path)
            if y.size < 2048:
                raise ValueError(f"too short: {y.size} samples")
            decoded = time.perf_counter()
            feats = seed_features(y)
            feat_total += time.perf_counter() - decoded
        except Exception as e:  # noqa: BLE001 - a bad clip is counted, not fatal
            failed += 1
            print(f"seed_features: {path}: {e}", file=sys.stderr)
            continue
        total += time.perf_counter() - start
        done += 1
        if out:
            out.write(json.dumps({"clip": path, **feats}) + "\n")
    ch1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = time.process_time() - cpu0 + (ch1.ru_utime - ch0.ru_utime) + (ch1.ru_stime - ch0.ru_stime)
    if out:
        out.close()
    print(json.dumps({
        "cpu_s": round(cpu, 6),
        "clips": done,
        "total_s": round(total, 6),
        "per_clip_ms": round(1000 * total / done, 3) if done else None,
        "features_only_ms": round(1000 * feat_total / done, 3) if done else None,
        "failed": failed,
        "threads": args.threads,
        "warmup_s": round(warmup, 3),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
