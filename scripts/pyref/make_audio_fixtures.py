#!/usr/bin/env python3
"""Reference values for the TypeScript audio features (src/main/core/features/audio).

Run with the venv from scripts/pyref/setup.sh:
    .venv-pyref/bin/python scripts/pyref/make_audio_fixtures.py

Writes test/fixtures/audio/<clip>.json (and <clip>.s16 for speech). The tests read these and
never need Python. Synthetic clips are not stored as samples: their formula is in the JSON and
test/fixtures/audio/signals.ts regenerates them bit-for-bit (float32 of the same float64
expression; the noise is a 32-bit LCG that is exact in both languages); a checksum in the JSON
guards against the two generators drifting apart. Speech comes from espeak-ng, resampled to
16 kHz mono by ffmpeg and stored as 16-bit PCM (the references are computed on exactly those
samples / 32768).

Reference definitions (the seed pipeline's, and what ours must match):
  * V3: torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=25), mean and population std over
    time, computed in float32 (what the seed computes) and in float64 (the exact definition).
  * V4: librosa 0.11 spectral_centroid / zero_crossing_rate / rms with default parameters,
    mean and population std over frames; librosa.beat.beat_track tempo.
  * pitch: librosa.pyin (voicing, per-frame F0, mean F0 over voiced frames) and librosa.yin
    per-frame F0 (trough_threshold 0.15), fmin=60, fmax=500, frame_length=1024, hop_length=256
    (our frame grid).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SR = 16000
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "fixtures" / "audio"

PITCH = dict(fmin=60.0, fmax=500.0, frame_length=1024, hop_length=256)
YIN_THRESHOLD = 0.15


# ---------------------------------------------------------------- deterministic signals
# Keep in sync with test/fixtures/audio/signals.ts.

def lcg_uniform(n: int, seed: int) -> np.ndarray:
    """u[i] in [0, 1): state = state * 1664525 + 1013904223 mod 2^32, u = state / 2^32."""
    out = np.empty(n, dtype=np.float64)
    s = seed & 0xFFFFFFFF
    for i in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = s / 4294967296.0
    return out


def synth(spec: dict) -> np.ndarray:
    n = int(spec["n"])
    i = np.arange(n, dtype=np.float64)
    kind = spec["kind"]
    if kind == "tone":
        x = spec["amp"] * np.sin(2 * np.pi * spec["freq"] * (i / SR))
    elif kind == "chirp":
        # linear chirp f0 -> f1 over the clip: phase = 2 pi (f0 t + (f1 - f0) t^2 / (2 T))
        t = i / SR
        dur = n / SR
        x = spec["amp"] * np.sin(2 * np.pi * (spec["f0"] * t + (spec["f1"] - spec["f0"]) * t * t / (2 * dur)))
    elif kind == "mix":
        # two harmonics of f + uniform noise in [-noise, noise)
        t = i / SR
        x = spec["amp"] * np.sin(2 * np.pi * spec["freq"] * t) + spec["amp2"] * np.sin(2 * np.pi * 3 * spec["freq"] * t)
        x = x + spec["noise"] * (2 * lcg_uniform(n, spec["seed"]) - 1)
    elif kind == "clicks":
        # Hann-shaped 1 kHz bursts of `burst` s every `period` s from `start` s, over faint noise
        t = i / SR
        x = spec["noise"] * (2 * lcg_uniform(n, spec["seed"]) - 1)
        k = np.floor((t - spec["start"]) / spec["period"])
        local = t - spec["start"] - k * spec["period"]
        on = (t >= spec["start"]) & (local < spec["burst"])
        env = 0.5 - 0.5 * np.cos(2 * np.pi * local / spec["burst"])
        x = x + np.where(on, spec["amp"] * env * np.sin(2 * np.pi * 1000 * t), 0.0)
    else:
        raise ValueError(kind)
    return x.astype(np.float32)


def speech(name: str, text: str, voice: str, ffmpeg: str) -> np.ndarray:
    """espeak-ng -> 16 kHz mono s16le via ffmpeg, stored as <name>.s16."""
    with tempfile.TemporaryDirectory() as d:
        wav = os.path.join(d, "s.wav")
        raw = os.path.join(d, "s.raw")
        subprocess.run(["espeak-ng", "-v", voice, "-w", wav, text], check=True)
        subprocess.run([ffmpeg, "-v", "error", "-y", "-i", wav, "-ac", "1", "-ar", str(SR), "-f", "s16le", raw], check=True)
        data = Path(raw).read_bytes()
    (OUT / f"{name}.s16").write_bytes(data)
    return (np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)


# ---------------------------------------------------------------- references

def references(x: np.ndarray) -> dict:
    import librosa
    import torch
    import torchaudio

    ref: dict = {}
    # V3: torchaudio MFCC, float32 (the seed) and float64 (the definition without round-off).
    # For float64 the transform must be *built* under a float64 default dtype: .double() alone
    # keeps the mel filterbank, window and DCT matrix that were computed in float32.
    mf32 = torchaudio.transforms.MFCC(sample_rate=SR, n_mfcc=25)(torch.tensor(x))
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        mf64 = torchaudio.transforms.MFCC(sample_rate=SR, n_mfcc=25)(torch.tensor(x, dtype=torch.float64))
    finally:
        torch.set_default_dtype(prev)
    ref["mfcc_frames"] = int(mf32.shape[-1])
    ref["mfcc_mean_f32"] = mf32.mean(dim=-1).tolist()
    ref["mfcc_std_f32"] = mf32.std(dim=-1, unbiased=False).tolist()
    ref["mfcc_mean"] = mf64.mean(dim=-1).tolist()
    ref["mfcc_std"] = mf64.std(dim=-1, unbiased=False).tolist()
    # a few frames of the float64 MFCC, to pin down framing and padding, not just the averages
    idx = sorted({0, 1, mf64.shape[-1] // 2, mf64.shape[-1] - 1})
    ref["mfcc_frames_sample"] = {str(i): mf64[:, i].tolist() for i in idx}

    # V4: librosa defaults (float32 input, as librosa.load gives the seed)
    cen = librosa.feature.spectral_centroid(y=x, sr=SR)[0]
    zcr = librosa.feature.zero_crossing_rate(y=x)[0]
    rms = librosa.feature.rms(y=x)[0]
    ref["centroid_mean"], ref["centroid_std"] = float(cen.mean()), float(cen.std())
    ref["zcr_mean"], ref["zcr_std"] = float(zcr.mean()), float(zcr.std())
    ref["rms_mean"], ref["rms_std"] = float(rms.mean()), float(rms.std())
    ref["librosa_frames"] = int(cen.shape[0])
    tempo, _beats = librosa.beat.beat_track(y=x, sr=SR)
    ref["beat_track_tempo"] = float(np.atleast_1d(tempo)[0])
    env = librosa.onset.onset_strength(y=x, sr=SR, aggregate=np.median)
    ref["onset_env_sum"] = float(env.sum())
    ref["onset_env_max"] = float(env.max())

    # pitch
    f0, vflag, _vprob = librosa.pyin(x, sr=SR, **PITCH)
    # same absolute threshold as ours (librosa's default is 0.1)
    yin = librosa.yin(x, sr=SR, trough_threshold=YIN_THRESHOLD, **PITCH)
    voiced = np.asarray(vflag, dtype=bool)
    ref["pitch_frames"] = int(len(voiced))
    ref["pyin_voiced_ratio"] = float(voiced.mean())
    ref["pyin_mean_f0"] = float(np.nanmean(f0[voiced])) if voiced.any() else None
    ref["pyin_std_f0"] = float(np.nanstd(f0[voiced])) if voiced.any() else None
    ref["pyin_voiced"] = "".join("1" if v else "0" for v in voiced)
    ref["pyin_f0"] = [round(float(v), 3) if ok else 0.0 for v, ok in zip(f0, voiced)]
    ref["yin_f0"] = [round(float(v), 3) for v in yin]
    return ref


CLIPS = [
    ("tone220", {"kind": "tone", "n": 57600, "amp": 0.5, "freq": 220.0}),
    ("chirp", {"kind": "chirp", "n": 48000, "amp": 0.5, "f0": 100.0, "f1": 400.0}),
    ("mix150", {"kind": "mix", "n": 48000, "amp": 0.4, "amp2": 0.15, "freq": 150.0, "noise": 0.05, "seed": 12345}),
    ("clicks100bpm", {"kind": "clicks", "n": 80000, "amp": 0.8, "period": 0.6, "burst": 0.04, "start": 0.1, "noise": 0.003, "seed": 777}),
]

SPEECH = [
    ("speech-male", "The quick brown fox jumps over the lazy dog.", "en-us"),
    ("speech-female", "Are you sure? I never said that to anyone!", "en-us+f3"),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ffmpeg", default=shutil.which("ffmpeg") or str(ROOT / "node_modules/@ffmpeg-installer/linux-x64/ffmpeg"))
    args = ap.parse_args()
    import librosa
    import torch
    import torchaudio

    OUT.mkdir(parents=True, exist_ok=True)
    versions = {"librosa": librosa.__version__, "torch": torch.__version__, "torchaudio": torchaudio.__version__, "numpy": np.__version__}
    items = [(name, spec, synth(spec)) for name, spec in CLIPS]
    for name, text, voice in SPEECH:
        x = speech(name, text, voice, args.ffmpeg)
        items.append((name, {"kind": "s16", "file": f"{name}.s16", "n": int(len(x)), "text": text, "voice": voice}, x))
    for name, spec, x in items:
        x64 = x.astype(np.float64)
        doc = {
            "name": name,
            "sample_rate": SR,
            "n_samples": int(len(x)),
            "signal": spec,
            "checksum": {"sum": float(x64.sum()), "sumsq": float((x64 * x64).sum())},
            "versions": versions,
            "pitch_params": {**PITCH, "yin_trough_threshold": YIN_THRESHOLD},
            "reference": references(x),
        }
        (OUT / f"{name}.json").write_text(json.dumps(doc, indent=1) + "\n")
        r = doc["reference"]
        print(f"{name}: n={len(x)} tempo={r['beat_track_tempo']:.2f} pyin_f0={r['pyin_mean_f0']} voiced={r['pyin_voiced_ratio']:.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
