"""Reference for the fusion training time: the seed's fusion network written the usual PyTorch way
(nn.LSTM, nn.MultiheadAttention), at the sizes and batch of bench/fusion-bench.mjs, on random data
of MELD's training size. Prints one JSON list: seconds per epoch per (size, kind), like the bench.

    python bench/python/fusion_torch.py [--sizes builtin,pretrained] [--kinds seed,concat]
                                        [--rows 9989] [--batch 128] [--hidden 128] [--threads 2]

The architecture (see src/main/core/fusion/model.ts): voice = sum_k alpha_k * Linear_k(audio part k);
text = Linear(text); each through a BiLSTM over a sequence of length 1; video frames projected to H
(when wider) then a BiLSTM over the frames, mean over time; 8-head self-attention over the tokens,
mean; fc to 7 classes. 'concat': ReLU(Linear(all inputs)) then fc. Adam, cross-entropy, 90% of the
rows trained on per epoch (the rest is validation, run in eval mode), as ours does.
torch's LSTMs also carry recurrent weights that a length-1 sequence never uses (ours drops them), so
the parameter counts differ; the work per row is otherwise the same.
"""
from __future__ import annotations

import argparse
import json
import time

import torch
from torch import nn

CONFIGS = {
    'builtin': {'dA': 60, 'audioParts': [50, 10], 'dT': 4096, 'framesV': 10, 'dV': 3},
    'pretrained': {'dA': 828, 'audioParts': [768, 50, 10], 'dT': 384, 'framesV': 10, 'dV': 2048},
}


class Seed(nn.Module):
    def __init__(self, c: dict, hidden: int, heads: int, n_classes: int):
        super().__init__()
        h = hidden
        self.parts = c['audioParts']
        self.voice = nn.ModuleList(nn.Linear(p, h) for p in self.parts)
        self.alpha = nn.Parameter(torch.full((len(self.parts), h), 1 / len(self.parts)))
        self.voice_lstm = nn.LSTM(h, h // 2, batch_first=True, bidirectional=True)
        self.text = nn.Linear(c['dT'], h)
        self.text_lstm = nn.LSTM(h, h // 2, batch_first=True, bidirectional=True)
        self.video_proj = nn.Linear(c['dV'], h) if c['dV'] > h else None
        self.video_lstm = nn.LSTM(h if self.video_proj else c['dV'], h // 2, batch_first=True, bidirectional=True)
        self.attn = nn.MultiheadAttention(h, heads, batch_first=True)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(h, n_classes)

    def forward(self, audio, text, video):
        chunks = torch.split(audio, self.parts, dim=1)
        voice = sum(self.alpha[k] * lin(x) for k, (lin, x) in enumerate(zip(self.voice, chunks)))
        v, _ = self.voice_lstm(voice.unsqueeze(1))
        t, _ = self.text_lstm(self.text(text).unsqueeze(1))
        frames = self.video_proj(video) if self.video_proj is not None else video
        f, _ = self.video_lstm(frames)
        tokens = torch.cat([v, t, f.mean(dim=1, keepdim=True)], dim=1)
        a, _ = self.attn(tokens, tokens, tokens, need_weights=False)
        return self.fc(self.drop(a.mean(dim=1)))


class Concat(nn.Module):
    def __init__(self, c: dict, hidden: int, n_classes: int):
        super().__init__()
        self.hidden = nn.Linear(c['dA'] + c['dT'] + c['framesV'] * c['dV'], hidden)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden, n_classes)

    def forward(self, audio, text, video):
        x = torch.cat([audio, text, video.flatten(1)], dim=1)
        return self.fc(self.drop(torch.relu(self.hidden(x))))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument('--sizes', default='builtin,pretrained')
    ap.add_argument('--kinds', default='seed,concat')
    ap.add_argument('--rows', type=int, default=9989)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--hidden', type=int, default=128)
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    out = []
    for size in a.sizes.split(','):
        c = CONFIGS[size]
        n = a.rows
        audio, text = torch.randn(n, c['dA']), torch.randn(n, c['dT'])
        video = torch.randn(n, c['framesV'], c['dV'])
        y = torch.randint(0, 7, (n,))
        n_train = n - round(n * 0.1)
        for kind in a.kinds.split(','):
            net = Seed(c, a.hidden, 8, 7) if kind == 'seed' else Concat(c, a.hidden, 7)
            opt = torch.optim.Adam(net.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()
            t0 = time.perf_counter()
            net.train()
            perm = torch.randperm(n_train)
            for i in range(0, n_train, a.batch):
                idx = perm[i:i + a.batch]
                opt.zero_grad()
                loss = loss_fn(net(audio[idx], text[idx], video[idx]), y[idx])
                loss.backward()
                opt.step()
            net.eval()
            with torch.no_grad():
                for i in range(n_train, n, 1024):
                    net(audio[i:i + 1024], text[i:i + 1024], video[i:i + 1024])
            sec = time.perf_counter() - t0
            params = sum(p.numel() for p in net.parameters())
            out.append({'size': size, 'kind': kind, 'rows': n, 'secondsPerEpoch': round(sec, 3), 'params': params, 'torch': torch.__version__, 'threads': a.threads})
    print(json.dumps(out))


if __name__ == '__main__':
    main()
