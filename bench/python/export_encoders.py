"""Exports the three pretrained encoders' architectures with random weights to ONNX, for
`npm run bench:encoders` (speed only: the weights do not matter for timing, the structure does).

    python bench/python/export_encoders.py OUT_DIR

Written in plain torch (no transformers dependency; torch + onnx + onnxscript suffice) after the
published definitions: torchvision ResNet-50 (v1.5, stride on the 3x3 conv), HF Wav2Vec2Model
(wav2vec2-base: 7-layer conv feature encoder, group norm, conv positional embedding, 12 post-LN
transformer layers of 768 / 12 heads / 3072), HF BertModel as all-MiniLM-L6-v2 (6 layers of 384 /
12 heads / 1536, vocabulary 30522, 512 positions). Inputs and outputs carry the names and dynamic
axes of the published exports. Never a runtime dependency of the tool.
"""
import inspect
import math
import os
import sys

import torch
from torch import nn

torch.manual_seed(0)


# ---------------------------------------------------------------- ResNet-50
class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inp, width, stride=1, down=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inp, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, width * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * 4)
        self.relu = nn.ReLU(inplace=True)
        self.down = down

    def forward(self, x):
        idt = x if self.down is None else self.down(x)
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + idt)


class ResNet50(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        layers, inp = [], 64
        for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            for b in range(blocks):
                s = stride if b == 0 else 1
                down = None
                if s != 1 or inp != width * 4:
                    down = nn.Sequential(nn.Conv2d(inp, width * 4, 1, s, bias=False), nn.BatchNorm2d(width * 4))
                layers.append(Bottleneck(inp, width, s, down))
                inp = width * 4
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)

    def forward(self, pixel_values):
        return self.pool(self.layers(self.stem(pixel_values)))  # pooler_output [B, 2048, 1, 1]


# ---------------------------------------------------------------- transformer parts
class SelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q, self.k, self.v, self.o = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)

    def forward(self, x, bias=None):
        B, T, D = x.shape
        sh = lambda t: t.view(B, T, self.h, self.dh).transpose(1, 2)
        a = torch.matmul(sh(self.q(x)), sh(self.k(x)).transpose(-1, -2)) / math.sqrt(self.dh)
        if bias is not None:
            a = a + bias
        y = torch.matmul(a.softmax(-1), sh(self.v(x))).transpose(1, 2).reshape(B, T, D)
        return self.o(y)


class PostLNLayer(nn.Module):
    """BERT / wav2vec2-base layer: attention, residual, LayerNorm, feed-forward (GELU), residual, LayerNorm."""

    def __init__(self, d, heads, ff, eps):
        super().__init__()
        self.attn = SelfAttention(d, heads)
        self.ln1 = nn.LayerNorm(d, eps=eps)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Linear(ff, d))
        self.ln2 = nn.LayerNorm(d, eps=eps)

    def forward(self, x, bias=None):
        x = self.ln1(x + self.attn(x, bias))
        return self.ln2(x + self.ff(x))


# ---------------------------------------------------------------- wav2vec2-base
class Wav2Vec2Base(nn.Module):
    def __init__(self):
        super().__init__()
        convs, inp = [], 1
        for i, (k, s) in enumerate(zip((10, 3, 3, 3, 3, 2, 2), (5, 2, 2, 2, 2, 2, 2))):
            mods = [nn.Conv1d(inp, 512, k, s, bias=False)]
            if i == 0:
                mods.append(nn.GroupNorm(512, 512))
            mods.append(nn.GELU())
            convs.append(nn.Sequential(*mods))
            inp = 512
        self.features = nn.Sequential(*convs)
        self.proj_ln = nn.LayerNorm(512, eps=1e-5)
        self.proj = nn.Linear(512, 768)
        self.pos_conv = nn.Conv1d(768, 768, 128, padding=64, groups=16)
        self.ln = nn.LayerNorm(768, eps=1e-5)
        self.layers = nn.ModuleList([PostLNLayer(768, 12, 3072, 1e-5) for _ in range(12)])

    def forward(self, input_values):
        x = self.features(input_values.unsqueeze(1)).transpose(1, 2)  # [B, T, 512]
        x = self.proj(self.proj_ln(x))
        p = self.pos_conv(x.transpose(1, 2))[:, :, :-1]  # SamePad: drop the last frame (even kernel)
        x = self.ln(x + nn.functional.gelu(p).transpose(1, 2))
        for layer in self.layers:
            x = layer(x)
        return x  # last_hidden_state [B, T, 768]


# ---------------------------------------------------------------- all-MiniLM-L6-v2 (BERT)
class MiniLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(30522, 384)
        self.pos = nn.Embedding(512, 384)
        self.tok_type = nn.Embedding(2, 384)
        self.ln = nn.LayerNorm(384, eps=1e-12)
        self.layers = nn.ModuleList([PostLNLayer(384, 12, 1536, 1e-12) for _ in range(6)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        S = input_ids.shape[1]
        pos = torch.arange(S, device=input_ids.device).unsqueeze(0)
        x = self.ln(self.word(input_ids) + self.pos(pos) + self.tok_type(token_type_ids))
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -10000.0
        for layer in self.layers:
            x = layer(x, bias)
        return x  # last_hidden_state [B, S, 384]


def export(model, args, names, out_name, axes, path):
    model.eval()
    kw = {}
    # newer torch exports weights to a separate PATH.data by default; the tool installs one file
    if "external_data" in inspect.signature(torch.onnx.export).parameters:
        kw["external_data"] = False
    with torch.no_grad():
        torch.onnx.export(model, args, path, input_names=names, output_names=[out_name], dynamic_axes=axes, opset_version=14, do_constant_folding=True, **kw)
    print(f"wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)", flush=True)


def main(out):
    for name in ("resnet-50", "wav2vec2-base-960h", "all-MiniLM-L6-v2"):
        os.makedirs(os.path.join(out, name), exist_ok=True)
    p = os.path.join(out, "resnet-50", "model.onnx")
    if not os.path.exists(p):
        export(ResNet50(), (torch.randn(1, 3, 224, 224),), ["pixel_values"], "pooler_output", {"pixel_values": {0: "batch_size"}, "pooler_output": {0: "batch_size"}}, p)
    p = os.path.join(out, "wav2vec2-base-960h", "model.onnx")
    if not os.path.exists(p):
        export(Wav2Vec2Base(), (torch.randn(1, 16000),), ["input_values"], "last_hidden_state", {"input_values": {0: "batch_size", 1: "sequence_length"}, "last_hidden_state": {0: "batch_size", 1: "frames"}}, p)
    p = os.path.join(out, "all-MiniLM-L6-v2", "model.onnx")
    if not os.path.exists(p):
        ids = torch.randint(0, 30522, (2, 16))
        ax = {0: "batch_size", 1: "sequence_length"}
        export(MiniLM(), (ids, torch.ones_like(ids), torch.zeros_like(ids)), ["input_ids", "attention_mask", "token_type_ids"], "last_hidden_state",
               {"input_ids": ax, "attention_mask": ax, "token_type_ids": ax, "last_hidden_state": ax}, p)


if __name__ == "__main__":
    main(sys.argv[1])
