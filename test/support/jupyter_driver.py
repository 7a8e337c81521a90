"""Drives a Jupyter kernel through Debian's jupyter_client for seglab's tests.

Reads a JSON job on stdin: {"kernel_name", "cwd", "startup_timeout", "steps": [...]} and prints
one JSON document: {"results": [...], "alive": bool, "kernel_stderr": str}. Steps:
  {"op": "execute", "code", "timeout", "allow_stdin", "input", "interrupt_after", "interrupt_again_after",
   "stop_on_error"}
  {"op": "complete", "code", "cursor_pos"} / {"op": "inspect", "code", "cursor_pos"}
  {"op": "is_complete", "code"} / {"op": "kernel_info"} / {"op": "history", "n"} / {"op": "comm_info"}
  {"op": "raw_shell", "frames_hex": [...]}  (sends frames as they are: unsigned or malformed messages)
  {"op": "sleep", "seconds"} / {"op": "alive"} / {"op": "comm_open", "target_name", "data"}
Messages of a request are collected from iopub until its idle status.
"""
import json, sys, time, queue
from jupyter_client.manager import KernelManager

job = json.load(sys.stdin)
km = KernelManager(kernel_name=job["kernel_name"])
results = []
km.start_kernel(cwd=job.get("cwd"))
kc = km.client()
kc.start_channels()


def collect(msg_id, timeout):
    msgs = []
    deadline = time.time() + timeout
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            return msgs, False
        try:
            m = kc.get_iopub_msg(timeout=remaining)
        except queue.Empty:
            return msgs, False
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status":
            if m["content"]["execution_state"] == "idle":
                return msgs, True
            continue
        msgs.append({"msg_type": m["msg_type"], "content": m["content"]})


def reply_for(msg_id, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            r = kc.get_shell_msg(timeout=max(0.01, deadline - time.time()))
        except queue.Empty:
            break
        if r["parent_header"].get("msg_id") == msg_id:
            return r["content"]
    return None


try:
    kc.wait_for_ready(timeout=job.get("startup_timeout", 60))
    for step in job["steps"]:
        op = step["op"]
        t0 = time.time()
        timeout = step.get("timeout", 30)
        res = {"op": op}
        if op == "execute":
            msg_id = kc.execute(step["code"], allow_stdin=step.get("allow_stdin", False),
                                stop_on_error=step.get("stop_on_error", True))
            if "interrupt_after" in step:
                time.sleep(step["interrupt_after"])
                km.interrupt_kernel()
                if "interrupt_again_after" in step:
                    time.sleep(step["interrupt_again_after"])
                    km.interrupt_kernel()
            if "input" in step:
                req = kc.get_stdin_msg(timeout=timeout)
                res["input_request"] = req["content"]
                kc.input(step["input"])
            outputs, idle = collect(msg_id, timeout)
            res.update(outputs=outputs, idle=idle, reply=reply_for(msg_id, 5 if idle else 1))
        elif op in ("complete", "inspect"):
            fn = kc.complete if op == "complete" else kc.inspect
            msg_id = fn(step["code"], step.get("cursor_pos", len(step["code"])))
            res["reply"] = reply_for(msg_id, timeout)
        elif op == "is_complete":
            res["reply"] = reply_for(kc.is_complete(step["code"]), timeout)
        elif op == "kernel_info":
            res["reply"] = reply_for(kc.kernel_info(), timeout)
        elif op == "history":
            res["reply"] = reply_for(kc.history(hist_access_type="tail", n=step.get("n", 10)), timeout)
        elif op == "comm_info":
            res["reply"] = reply_for(kc.comm_info(), timeout)
        elif op == "comm_open":
            msg = kc.session.msg("comm_open", {"comm_id": step.get("comm_id", "c1"), "target_name": step["target_name"], "data": step.get("data", {})})
            kc.shell_channel.send(msg)
            outputs, idle = collect(msg["header"]["msg_id"], timeout)
            res.update(outputs=outputs, idle=idle)
        elif op == "raw_shell":
            kc.shell_channel.socket.send_multipart([bytes.fromhex(h) for h in step["frames_hex"]])
        elif op == "sleep":
            time.sleep(step["seconds"])
        elif op == "alive":
            res["alive"] = km.is_alive()
        res["ms"] = round((time.time() - t0) * 1000)
        results.append(res)
        if step.get("stop_if_dead") and not km.is_alive():
            break
finally:
    alive = km.is_alive()
    try:
        kc.stop_channels()
        km.shutdown_kernel(now=not alive or job.get("kill", False))
    except Exception:
        pass
print(json.dumps({"results": results, "alive": alive}))
