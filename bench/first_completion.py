"""First-completion latency of the seglab kernel (issue 13's target: under 1 s once warmed).

Starts the kernel through jupyter_client, waits `--wait` seconds (the language service warms up
at start), then times the first completion that touches seglab and a later one. Prints JSON with
/proc/loadavg (figures from a loaded machine are not comparable).

  npm run kernel:install -- --prefix out/jp --name seglab-bench
  JUPYTER_PATH=out/jp/share/jupyter /usr/bin/python3 bench/first_completion.py --kernel seglab-bench --wait 12
"""
import argparse
import json
import os
import time

from jupyter_client.manager import KernelManager

ap = argparse.ArgumentParser()
ap.add_argument("--kernel", default="seglab")
ap.add_argument("--wait", type=float, default=12.0)
args = ap.parse_args()

km = KernelManager(kernel_name=args.kernel)
t0 = time.time()
km.start_kernel(cwd=os.path.join(os.path.dirname(__file__), "..", "notebooks"))
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=120)
ready = time.time() - t0
time.sleep(args.wait)
code = 'import { createLoss, createLossConfig } from "seglab";\ncreateL'


def timed(c):
    t = time.time()
    r = kc.complete(c, reply=True, timeout=120)
    return time.time() - t, r["content"]["matches"]


first, matches = timed(code)
later, _ = timed(code + "oss")
load = open("/proc/loadavg").read().split()[:3]
kc.stop_channels()
km.shutdown_kernel(now=True)
print(json.dumps({
    "kernel_ready_s": round(ready, 2),
    "waited_s": args.wait,
    "first_completion_s": round(first, 3),
    "later_completion_s": round(later, 3),
    "matches": matches,
    "loadavg": load,
}))
