"""PyTorch twin of bench/unet_small.ts for bench/train_step.ts: the same small U-Net (16-32-64-64,
64-channel middle, conv3x3-BN-ReLU x2 per level, max-pool, bilinear up-sampling, concatenated
skips, 8 classes), softmax cross entropy, Adam(1e-3), CPU. Run with Debian's python3
(python3-torch). Prints one JSON document with ms per training step.

    /usr/bin/python3 bench/train_step_torch.py [--threads 2] [--steps 5] [--batch 4] [--size 128]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LEVELS = [16, 32, 64, 64]
MIDDLE = 64


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, classes=8):
        super().__init__()
        self.enc = nn.ModuleList()
        cin = 3
        for c in LEVELS:
            self.enc.append(block(cin, c))
            cin = c
        self.middle = block(cin, MIDDLE)
        cin = MIDDLE
        self.dec = nn.ModuleList()
        for c in reversed(LEVELS):
            self.dec.append(block(cin + c, c))
            cin = c
        self.head = nn.Conv2d(cin, classes, 1)

    def forward(self, x):
        skips = []
        for b in self.enc:
            x = b(x)
            skips.append(x)
            x = F.max_pool2d(x, 2)
        x = self.middle(x)
        for b, s in zip(self.dec, reversed(skips)):
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
            x = b(torch.cat([x, s], 1))
        return self.head(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--classes", type=int, default=8)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = UNet(a.classes)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.randn(a.batch, 3, a.size, a.size)
    y = torch.randint(0, a.classes, (a.batch, a.size, a.size))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    first_t = time.perf_counter()
    step()
    first = (time.perf_counter() - first_t) * 1000
    times, cpu = [], []
    for _ in range(a.steps):
        t, c = time.perf_counter(), time.process_time()
        step()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "batch": a.batch, "size": a.size,
        "params": params, "first_ms": round(first, 1), "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1), "steps_ms": [round(t, 1) for t in times],
        "cpu_ms_median": round(statistics.median(cpu), 1),
    }))


if __name__ == "__main__":
    main()
