"""PyTorch twins of the seven architectures in models/, for the PyTorch column of `npm run bench:zoo`.

usage: /usr/bin/python3 bench/torch-zoo.py MODEL EPOCHS [THREADS]  -> JSON {"msPerEpoch": [...], "params": N, "lastLoss": L}
       /usr/bin/python3 bench/torch-zoo.py --params               -> JSON {MODEL: trainable parameter count, ...}

Each twin is written as a PyTorch user would write the architecture from models/*.ts with its default
hyperparameters on the bench grid (32x32x3 -> 32x32x1, inputBlock 'none'): the same layers in the same order,
the same channel counts and kernel sizes, so the same trainable parameter count (zoo-bench compares them).
Differences that change no parameter and no work: PyTorch's own initialisers, symmetric 'same' padding
(TF pads stride-2 convolutions one cell more at the bottom/right), and bilinear up-sampling with half-pixel
centres (tfjs's resizeBilinear uses corner-aligned source coordinates). Batch norm: eps 1e-3 and momentum
0.01 (Keras' 0.99), as tf.layers.batchNormalization.

The training loop mirrors zoo-bench's child: 64 samples, batch 8, Huber (delta 1), Adam 1e-3, a fresh
shuffle every epoch.
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "elu": nn.ELU, "selu": nn.SELU, "swish": nn.SiLU, "tanh": nn.Tanh}


def conv(cin, cout, k=3, stride=1, bn=False, act="relu"):
    """blocks.conv: convolution ('same' padding, bias unless batch norm) -> batch norm -> activation."""
    layers = [nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=not bn)]
    if bn:
        layers.append(nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01))
    if act != "linear":
        layers.append(ACTIVATIONS[act]())
    return nn.Sequential(*layers)


def conv_stack(cin, cout, count, **kw):
    """blocks.convStack: `count` convolutions of `cout` channels."""
    return nn.Sequential(*[conv(cin if i == 0 else cout, cout, **kw) for i in range(count)])


def output_head(cin, cout):
    """blocks.outputHead: 1x1 convolution with bias, linear."""
    return nn.Conv2d(cin, cout, 1)


class Residual(nn.Module):
    """blocks.residualBlock: conv(stride) -> BN -> act -> conv -> BN, plus a shortcut (1x1 projection when the shape changes), then act."""

    def __init__(self, cin, cout, k=3, stride=1, bn=True, act="relu"):
        super().__init__()
        self.main = nn.Sequential(conv(cin, cout, k, stride, bn, act), conv(cout, cout, k, 1, bn, "linear"))
        self.shortcut = None if stride == 1 and cin == cout else conv(cin, cout, 1, stride, bn, "linear")
        self.act = ACTIVATIONS[act]()

    def forward(self, x):
        return self.act(self.main(x) + (x if self.shortcut is None else self.shortcut(x)))


class AttentionGate(nn.Module):
    """blocks.attentionGate: additive attention (Oktay et al.) on the skip connection."""

    def __init__(self, skip_ch, gate_ch, inter):
        super().__init__()
        self.s = nn.Conv2d(skip_ch, inter, 1, bias=False)
        self.g = nn.Conv2d(gate_ch, inter, 1)
        self.alpha = nn.Conv2d(inter, 1, 1)

    def forward(self, skip, gating):
        joint = F.relu(self.s(skip) + self.g(gating))
        return skip * torch.sigmoid(self.alpha(joint))


class SelfAttention(nn.Module):
    """src/model-kit/self-attention-layer.ts: multi-head attention over the grid cells, residual, keys/values average-pooled by kv_pool."""

    def __init__(self, c, heads, key_dim, kv_pool=1):
        super().__init__()
        inner = heads * key_dim
        self.heads, self.d, self.kv_pool = heads, key_dim, kv_pool
        self.q = nn.Linear(c, inner, bias=False)
        self.k = nn.Linear(c, inner, bias=False)
        self.v = nn.Linear(c, inner, bias=False)
        self.o = nn.Linear(inner, c)
        nn.init.zeros_(self.o.weight)
        nn.init.zeros_(self.o.bias)

    def forward(self, x):
        n, c, h, w = x.shape
        kv = F.avg_pool2d(x, self.kv_pool) if self.kv_pool > 1 else x
        cells = x.flatten(2).transpose(1, 2)  # [n, h*w, c]
        kv_cells = kv.flatten(2).transpose(1, 2)

        def split(t):  # [n, rows, inner] -> [n, heads, rows, d]
            return t.view(n, -1, self.heads, self.d).transpose(1, 2)

        q, k, v = split(self.q(cells)), split(self.k(kv_cells)), split(self.v(kv_cells))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.d)
        merged = (scores.softmax(-1) @ v).transpose(1, 2).reshape(n, h * w, -1)
        return x + self.o(merged).transpose(1, 2).reshape(n, c, h, w)


def up(x, mode):
    return F.interpolate(x, scale_factor=2, mode=mode, align_corners=False if mode == "bilinear" else None)


class PlainCNN(nn.Module):
    # models/plain_cnn.ts: filters 16, depth 6, kernel 3, no batch norm
    def __init__(self, cin, cout, filters=16, depth=6, k=3):
        super().__init__()
        self.body = conv_stack(cin, filters, depth, k=k)
        self.head = output_head(filters, cout)

    def forward(self, x):
        return self.head(self.body(x))


class PlainCNNAttention(nn.Module):
    # models/plain_cnn_attention.ts: filters 16, depth 4, kernel 3, 1 attention layer (2 heads x 8, kvPool 4)
    def __init__(self, cin, cout, filters=16, depth=4, k=3, attention_layers=1, heads=2, key_dim=8, kv_pool=4):
        super().__init__()
        stages = attention_layers + 1
        parts, ch = [], cin
        for stage in range(stages):
            count = depth // stages + (1 if stage < depth % stages else 0)
            parts.append(conv_stack(ch, filters, max(1, count), k=k))
            ch = filters
            if stage < attention_layers:
                parts.append(SelfAttention(filters, heads, key_dim, kv_pool))
        self.body = nn.Sequential(*parts)
        self.head = output_head(filters, cout)

    def forward(self, x):
        return self.head(self.body(x))


class UNet(nn.Module):
    # models/unet.ts: filters 6, depth 3, kernel 3, batch norm
    def __init__(self, cin, cout, filters=6, depth=3, k=3, bn=True):
        super().__init__()
        kw = dict(k=k, bn=bn)
        self.down, ch = nn.ModuleList(), cin
        for level in range(depth):
            self.down.append(conv_stack(ch, filters * 2**level, 2, **kw))
            ch = filters * 2**level
        self.bottom = conv_stack(ch, filters * 2**depth, 2, **kw)
        ch = filters * 2**depth
        self.up_convs, self.merges = nn.ModuleList(), nn.ModuleList()
        for level in reversed(range(depth)):
            f = filters * 2**level
            self.up_convs.append(conv(ch, f, **kw))
            self.merges.append(conv_stack(2 * f, f, 2, **kw))
            ch = f
        self.head = output_head(ch, cout)

    def forward(self, x):
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.bottom(x)
        for up_conv, merge in zip(self.up_convs, self.merges):
            x = up_conv(up(x, "nearest"))
            x = merge(torch.cat([skips.pop(), x], 1))
        return self.head(x)


class EncoderDecoderAttention(nn.Module):
    # models/encoder_decoder_attention.ts: filters 8, depth 2, kernel 3, batch norm, 1 attention layer (2 heads x 8), gates
    def __init__(self, cin, cout, filters=8, depth=2, k=3, bn=True, attention_layers=1, heads=2, key_dim=8, gates=True):
        super().__init__()
        kw = dict(k=k, bn=bn)
        self.down, ch = nn.ModuleList(), cin
        for level in range(depth):
            self.down.append(conv_stack(ch, filters * 2**level, 2, **kw))
            ch = filters * 2**level
        self.bottom = conv(ch, filters * 2**depth, **kw)
        ch = filters * 2**depth
        self.attention = nn.Sequential(*[SelfAttention(ch, heads, key_dim) for _ in range(attention_layers)])
        self.up_convs, self.gates, self.merges = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for level in reversed(range(depth)):
            f = filters * 2**level
            self.up_convs.append(conv(ch, f, **kw))
            self.gates.append(AttentionGate(f, f, max(1, f >> 1)) if gates else nn.Identity())
            self.merges.append(conv(2 * f, f, **kw))
            ch = f
        self.use_gates = gates
        self.head = output_head(ch, cout)

    def forward(self, x):
        skips = []
        for block in self.down:
            x = block(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.attention(self.bottom(x))
        for up_conv, gate, merge in zip(self.up_convs, self.gates, self.merges):
            x = up_conv(up(x, "nearest"))
            skip = skips.pop()
            if self.use_gates:
                skip = gate(skip, x)
            x = merge(torch.cat([skip, x], 1))
        return self.head(x)


class LargeKernelED(nn.Module):
    # models/large_kernel_ed.ts: filters 12, depth 2, kernel 7, no batch norm, average-pool down, bilinear up
    def __init__(self, cin, cout, filters=12, depth=2, k=7):
        super().__init__()
        self.first = conv(cin, filters, k)
        self.down = nn.ModuleList([conv(filters, filters, k) for _ in range(depth)])
        self.ups = nn.ModuleList([conv(filters, filters, k) for _ in range(depth)])
        self.head = output_head(filters, cout)

    def forward(self, x):
        x = self.first(x)
        for block in self.down:
            x = block(F.avg_pool2d(x, 2))
        for block in self.ups:
            x = block(up(x, "bilinear"))
        return self.head(x)


class ResUNet(nn.Module):
    # models/res_unet.ts: filters 6, depth 3, kernel 3, batch norm, stride-2 residual blocks down, nearest up
    def __init__(self, cin, cout, filters=6, depth=3, k=3):
        super().__init__()
        self.first = Residual(cin, filters, k)
        self.down, ch = nn.ModuleList(), filters
        for level in range(1, depth + 1):
            self.down.append(Residual(ch, filters * 2**level, k, stride=2))
            ch = filters * 2**level
        self.ups = nn.ModuleList()
        for level in reversed(range(depth)):
            f = filters * 2**level
            self.ups.append(Residual(f + ch, f, k))  # concat([skip (f channels), up (ch channels)])
            ch = f
        self.head = output_head(ch, cout)

    def forward(self, x):
        x = self.first(x)
        skips = []
        for block in self.down:
            skips.append(x)
            x = block(x)
        for block in self.ups:
            x = block(torch.cat([skips.pop(), up(x, "nearest")], 1))
        return self.head(x)


class UNetLite(nn.Module):
    # models/unet_lite.ts: filters 12, depth 2, kernel 3, no batch norm, average-pool down, bilinear up, additive skips
    def __init__(self, cin, cout, filters=12, depth=2, k=3):
        super().__init__()
        self.first = conv(cin, filters, k)
        self.down = nn.ModuleList([conv(filters, filters, k) for _ in range(depth)])
        self.ups = nn.ModuleList([conv(filters, filters, k) for _ in range(depth)])
        self.head = output_head(filters, cout)

    def forward(self, x):
        x = self.first(x)
        skips = []
        for block in self.down:
            skips.append(x)
            x = block(F.avg_pool2d(x, 2))
        for block in self.ups:
            x = block(up(x, "bilinear") + skips.pop())
        return self.head(x)


MODELS = {
    "encoder_decoder_attention": EncoderDecoderAttention,
    "large_kernel_ed": LargeKernelED,
    "plain_cnn": PlainCNN,
    "plain_cnn_attention": PlainCNNAttention,
    "res_unet": ResUNet,
    "unet": UNet,
    "unet_lite": UNetLite,
}


def trainable_params(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def main():
    if sys.argv[1] == "--params":
        print(json.dumps({name: trainable_params(cls(3, 1)) for name, cls in MODELS.items()}))
        return
    name, epochs = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    torch.manual_seed(1)
    n, size = 64, 32
    # zoo-bench's data, element for element (NHWC there, NCHW here).
    i = torch.arange(n * size * size * 3, dtype=torch.float64)
    x = torch.sin(i * 0.37).float().view(n, size, size, 3).permute(0, 3, 1, 2).contiguous()
    j = torch.arange(n * size * size, dtype=torch.float64)
    y = torch.clamp(torch.cos(j * 0.11), min=0).float().view(n, 1, size, size)
    model = MODELS[name](3, 1)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.HuberLoss(delta=1.0)
    times = []
    loss = torch.tensor(0.0)
    for _ in range(epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for k in range(0, n, 8):
            idx = perm[k:k + 8]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({
        "msPerEpoch": times, "params": trainable_params(model), "lastLoss": float(loss),
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
