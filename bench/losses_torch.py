"""PyTorch reference timings for bench/losses.ts: Lovász-Softmax and Lovász hinge, forward +
backward, written from Berman et al.'s algorithm (sort errors, Jaccard-difference weights, dot),
CPU, 2 threads (or argv[2]). Run with Debian's python3 (which has python3-torch). Prints JSON."""
import json
import sys
import time

import torch

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)


def lovasz_grad(gt_sorted):
    gts = gt_sorted.sum()
    inter = gts - gt_sorted.cumsum(0)
    union = gts + (1.0 - gt_sorted).cumsum(0)
    jac = 1.0 - inter / union
    if gt_sorted.numel() > 1:
        jac[1:] = jac[1:] - jac[:-1]
    return jac


def lovasz_softmax(logits, labels, ignore=255):
    probs = torch.softmax(logits, dim=1)
    c = probs.shape[1]
    p = probs.permute(0, 2, 3, 1).reshape(-1, c)
    y = labels.reshape(-1)
    keep = y != ignore
    p, y = p[keep], y[keep]
    losses = []
    for k in range(c):
        fg = (y == k).float()
        if fg.sum() == 0:
            continue
        err = (fg - p[:, k]).abs()
        err_sorted, perm = torch.sort(err, 0, descending=True)
        losses.append(torch.dot(err_sorted, lovasz_grad(fg[perm])))
    return torch.stack(losses).mean()


def lovasz_hinge(scores, labels, ignore=255):
    s = scores.reshape(-1)
    y = labels.reshape(-1)
    keep = y != ignore
    s, y = s[keep], y[keep].float()
    err = 1.0 - s * (2.0 * y - 1.0)
    err_sorted, perm = torch.sort(err, 0, descending=True)
    return torch.dot(torch.relu(err_sorted), lovasz_grad(y[perm]))


CASES = {
    "softmax_n2_c19_512x1024": ("softmax", (2, 19, 512, 1024)),
    "softmax_n8_c19_128x256": ("softmax", (8, 19, 128, 256)),
    "hinge_n4_768x768": ("hinge", (4, 1, 768, 768)),
}


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    g = torch.Generator().manual_seed(0)
    out = {}
    only = sys.argv[3].split(",") if len(sys.argv) > 3 and sys.argv[3] else None
    for name, (kind, (n, c, h, w)) in CASES.items():
        if only and name not in only:
            continue
        x = (torch.randn(n, c, h, w, generator=g) * 2).requires_grad_(True)
        classes = 2 if kind == "hinge" else c
        y = torch.randint(0, classes, (n, h, w), generator=g)
        y[torch.rand(n, h, w, generator=g) < 0.05] = 255
        fn = lovasz_softmax if kind == "softmax" else lovasz_hinge
        times, cpu = [], []
        for r in range(repeats + 1):
            x.grad = None
            t0, c0 = time.perf_counter(), time.process_time()
            loss = fn(x, y)
            loss.backward()
            dt, dc = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
            if r > 0:
                times.append(dt)
                cpu.append(dc)
        times.sort()
        cpu.sort()
        out[name] = {
            "ms_median": round(times[len(times) // 2], 1),
            "ms_min": round(times[0], 1),
            "cpu_ms_median": round(cpu[len(cpu) // 2], 1),
            "loss": float(loss),
        }
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "cases": out}))


if __name__ == "__main__":
    main()
