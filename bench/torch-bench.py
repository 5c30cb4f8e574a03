"""PyTorch CPU twin of bench/reference-workload.ts, for the ratios printed by train-bench.

usage: /usr/bin/python3 bench/torch-bench.py THREADS EPOCHS  -> prints JSON {"msPerEpoch": [...], "params": N, "lastLoss": L}
Same model (same trainable parameter count: train-bench checks), data recipe, optimizer (Adam 1e-3), L1 loss,
batch 16 and per-epoch shuffling.
"""
import json
import resource
import sys
import time

import torch
from torch import nn

threads, epochs = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)
n, size = 64, 64

x = torch.empty(n, 2, size, size)
y = torch.empty(n, 1, size, size)
for s in range(n):
    i = torch.arange(size, dtype=torch.float64).view(-1, 1)
    j = torch.arange(size, dtype=torch.float64).view(1, -1)
    a = torch.sin((i + s) / 7) * torch.cos((j - s) / 5)
    b = torch.cos((i * j) / 300 + s)
    x[s, 0], x[s, 1] = a.float(), b.float()
    y[s, 0] = (0.5 * a * b + 0.2 * a).float()

model = nn.Sequential(
    nn.Conv2d(2, 16, 3, padding=1), nn.ReLU(),
    nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(),
    nn.Upsample(scale_factor=2, mode="nearest"),
    nn.Conv2d(32, 1, 3, padding=1),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.L1Loss()
times = []
loss = torch.tensor(0.0)
for epoch in range(epochs):
    t0 = time.perf_counter()
    perm = torch.randperm(n)
    for k in range(0, n, 16):
        idx = perm[k:k + 16]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({
    "msPerEpoch": times, "lastLoss": float(loss),
    "params": sum(p.numel() for p in model.parameters() if p.requires_grad),
    "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
