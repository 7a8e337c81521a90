"""PyTorch twin of bench/gpu.ts: the reference small U-Net (bench/train_step_torch.py) and
OCRNet-HRNet-W18 (the layout of lib/models/hrnet.ts and lib/models/ocrnet.ts, after PaddleSeg),
one training step each, on CUDA when PyTorch has it, else on the CPU. The cases come from
bench/gpu.ts as JSON. Prints one JSON document: device, and per case median ms per step and
peak memory (CUDA: torch.cuda.max_memory_allocated).

    /usr/bin/python3 bench/gpu_torch.py --steps 3 --cases '[{"name": "unet", "net": "unet", ...}]'
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_step_torch import UNet  # noqa: E402

HRNET_PRESETS = {
    "HRNet_W18": dict(stem=64, s1=(4, 64), s2=(1, [4, 4], [18, 36]), s3=(4, [4, 4, 4], [18, 36, 72]),
                      s4=(3, [4, 4, 4, 4], [18, 36, 72, 144])),
    "HRNet_W18_Small_V1": dict(stem=64, s1=(1, 32), s2=(1, [2, 2], [16, 32]), s3=(1, [2, 2, 2], [16, 32, 64]),
                               s4=(1, [2, 2, 2, 2], [16, 32, 64, 128])),
}


def preset(cfg):
    """A preset with the overrides seglab's config gives (stem_channels, stageN_num_channels)."""
    p = dict(HRNET_PRESETS[cfg.get("type", "HRNet_W18")])
    p["stem"] = cfg.get("stem_channels", p["stem"])
    if "stage1_num_channels" in cfg:
        p["s1"] = (p["s1"][0], cfg["stage1_num_channels"][0])
    for k in ("s2", "s3", "s4"):
        key = f"stage{k[1]}_num_channels"
        if key in cfg:
            p[k] = (p[k][0], p[k][1], cfg[key])
    return p


def cbr(cin, cout, k=1, s=1, relu=True, bias=False):
    layers = [nn.Conv2d(cin, cout, k, s, k // 2, bias=bias), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


class Bottleneck(nn.Module):
    def __init__(self, cin, f, down):
        super().__init__()
        self.body = nn.Sequential(cbr(cin, f), cbr(f, f, 3), cbr(f, 4 * f, relu=False))
        self.down = cbr(cin, 4 * f, relu=False) if down else None

    def forward(self, x):
        return F.relu(self.body(x) + (self.down(x) if self.down is not None else x))


class Basic(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(cbr(c, c, 3), cbr(c, c, 3, relu=False))

    def forward(self, x):
        return F.relu(self.body(x) + x)


class Module(nn.Module):
    """One HRNet module: branches of basic blocks, then the multi-resolution fusion."""

    def __init__(self, blocks, ch):
        super().__init__()
        self.branches = nn.ModuleList(nn.Sequential(*[Basic(c) for _ in range(b)]) for b, c in zip(blocks, ch))
        self.fuse = nn.ModuleList()
        for i in range(len(ch)):
            row = nn.ModuleList()
            for j in range(len(ch)):
                if j > i:
                    row.append(cbr(ch[j], ch[i], relu=False))
                elif j < i:
                    steps = [cbr(ch[j], ch[i] if k == i - j - 1 else ch[j], 3, 2, relu=k != i - j - 1)
                             for k in range(i - j)]
                    row.append(nn.Sequential(*steps))
                else:
                    row.append(nn.Identity())
            self.fuse.append(row)

    def forward(self, xs):
        xs = [b(x) for b, x in zip(self.branches, xs)]
        out = []
        for i, row in enumerate(self.fuse):
            y = xs[i]
            for j, f in enumerate(row):
                if j > i:
                    y = y + F.interpolate(f(xs[j]), size=xs[i].shape[2:], mode="bilinear", align_corners=False)
                elif j < i:
                    y = y + f(xs[j])
            out.append(F.relu(y))
        return out


class HRNet(nn.Module):
    def __init__(self, p):
        super().__init__()
        self.stem = nn.Sequential(cbr(3, p["stem"], 3, 2), cbr(p["stem"], p["stem"], 3, 2))
        n1, f1 = p["s1"]
        self.layer1 = nn.Sequential(*[Bottleneck(p["stem"] if i == 0 else 4 * f1, f1, i == 0) for i in range(n1)])
        prev = [4 * f1]
        self.transitions, self.stages = nn.ModuleList(), nn.ModuleList()
        for key in ("s2", "s3", "s4"):
            modules, blocks, ch = p[key]
            tr = nn.ModuleList()
            for i, c in enumerate(ch):
                if i < len(prev):
                    tr.append(nn.Identity() if prev[i] == c else cbr(prev[i], c, 3))
                else:
                    tr.append(cbr(prev[-1], c, 3, 2))
            self.transitions.append(tr)
            self.stages.append(nn.Sequential(*[Module(blocks, ch) for _ in range(modules)]))
            prev = ch
        self.channels = sum(prev)

    def forward(self, x):
        xs = [self.layer1(self.stem(x))]
        for tr, st in zip(self.transitions, self.stages):
            xs = [t(xs[i] if i < len(xs) else xs[-1]) for i, t in enumerate(tr)]
            xs = st(xs)
        size = xs[0].shape[2:]
        return torch.cat([xs[0]] + [F.interpolate(x, size=size, mode="bilinear", align_corners=False)
                                    for x in xs[1:]], 1)


class OCRNet(nn.Module):
    def __init__(self, classes, backbone, mid=512, key=256):
        super().__init__()
        self.backbone = HRNet(preset(backbone))
        c = self.backbone.channels
        self.aux = nn.Sequential(cbr(c, c, bias=True), nn.Conv2d(c, classes, 1))
        self.pixels = cbr(c, mid, 3, bias=True)
        self.f_pixel = nn.Sequential(cbr(mid, key, bias=True), cbr(key, key, bias=True))
        self.f_object = nn.Sequential(cbr(mid, key, bias=True), cbr(key, key, bias=True))
        self.f_down = cbr(mid, key, bias=True)
        self.f_up = cbr(key, mid, bias=True)
        self.conv1x1 = nn.Sequential(cbr(2 * mid, mid, bias=True), nn.Dropout2d(0.1))
        self.cls = nn.Conv2d(mid, classes, 1)
        self.key = key

    def forward(self, x):
        feat = self.backbone(x)
        regions = self.aux(feat)
        pixels = self.pixels(feat)
        n, c, h, w = pixels.shape
        k = regions.shape[1]
        probs = F.softmax(regions.view(n, k, -1), 2)
        objects = torch.bmm(probs, pixels.view(n, c, -1).transpose(1, 2)).transpose(1, 2).view(n, c, k, 1)
        q = self.f_pixel(pixels).view(n, self.key, -1).transpose(1, 2)
        kk = self.f_object(objects).view(n, self.key, -1)
        v = self.f_down(objects).view(n, self.key, -1).transpose(1, 2)
        att = F.softmax(torch.bmm(q, kk) * self.key ** -0.5, -1)
        ctx = self.f_up(torch.bmm(att, v).transpose(1, 2).reshape(n, self.key, h, w))
        logit = self.cls(self.conv1x1(torch.cat([ctx, pixels], 1)))
        up = lambda t: F.interpolate(t, size=x.shape[2:], mode="bilinear", align_corners=False)  # noqa: E731
        return up(logit), up(regions)


def bench(case, steps, device):
    torch.manual_seed(0)
    n, h, w, k = case["batch"], case["height"], case["width"], case["classes"]
    x = torch.randn(n, 3, h, w, device=device)
    y = torch.randint(0, k, (n, h, w), device=device)
    if case["net"] == "unet":
        model = UNet(k).to(device)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_of = lambda: F.cross_entropy(model(x), y)  # noqa: E731
    else:
        model = OCRNet(k, case.get("backbone") or {"type": "HRNet_W18"}).to(device)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

        def loss_of():
            main, aux = model(x)
            return F.cross_entropy(main, y) + 0.4 * F.cross_entropy(aux, y)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_of()
        loss.backward()
        opt.step()
        return loss.item()  # waits for the device

    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    step()
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - t) * 1000)
    out = {"first_step_ms": round(first, 1), "median_ms": round(statistics.median(times), 1),
           "steps_ms": [round(t, 1) for t in times], "loss": round(loss, 4),
           "params": sum(p.numel() for p in model.parameters())}
    if device == "cuda":
        out["peak_gpu_mib"] = round(torch.cuda.max_memory_allocated() / 2 ** 20, 1)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    doc = {"torch": torch.__version__, "device": device,
           "device_name": torch.cuda.get_device_name(0) if device == "cuda" else "cpu", "cases": {}}
    for case in json.loads(a.cases):
        try:
            doc["cases"][case["name"]] = bench(case, a.steps, device)
        except Exception as e:  # one failing case (out of memory, say) leaves the others
            doc["cases"][case["name"]] = {"failed": f"{type(e).__name__}: {str(e).splitlines()[0]}"}
        if device == "cuda":
            torch.cuda.empty_cache()
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
