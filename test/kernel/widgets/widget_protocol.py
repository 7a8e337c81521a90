"""Drives seglab widgets through jupyter_client as a widget front end would, for one protocol.

Reads {"kernel_name", "protocol": 1 | 2} on stdin; prints one JSON document with what the kernel
sent. Protocol 1: the client first answers the jupyter.widget.version probe as jupyter-js-widgets
2.1.4 does. Then a cell builds a FloatSlider, a Dropdown and a Button; the client changes them
the way its protocol does (update / backbone, custom click), asks for the state, and reads the
values back from the kernel.
"""
import json
import sys
import time
import queue
import uuid
from jupyter_client.manager import KernelManager

job = json.load(sys.stdin)
protocol = job["protocol"]
km = KernelManager(kernel_name=job["kernel_name"])
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=120)
out = {"iopub": {}}


def send_shell(msg_type, content):
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def collect(msg_id, timeout=120):
    msgs = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "status":
            if m["content"]["execution_state"] == "idle":
                return msgs
            continue
        msgs.append({"msg_type": m["msg_type"], "content": m["content"], "metadata": m["metadata"]})
    raise RuntimeError(f"no idle for {msg_id}: {msgs}")


def execute(name, code):
    msg_id = kc.execute(code)
    out["iopub"][name] = collect(msg_id)
    return out["iopub"][name]


if protocol == 1:
    version_comm = uuid.uuid4().hex
    mid = send_shell("comm_open", {"comm_id": version_comm, "target_name": "jupyter.widget.version", "data": {}})
    out["iopub"]["probe"] = collect(mid)
    mid = send_shell("comm_msg", {"comm_id": version_comm, "data": {"validated": True, "frontend_version": "2.1.4"}})
    collect(mid)

execute("build", """import { Button, Dropdown, FloatSlider } from "seglab/widgets";
const s = new FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.05, description: "coef" });
const d = new Dropdown({ options: ["LovaszSoftmaxLoss", "CrossEntropyLoss"], description: "type" });
const b = new Button({ description: "go" });
const seen: number[] = [];
let clicks = 0;
s.observe((c) => seen.push(c.new as number), "value");
let chosen = "";
d.onChange((v) => { chosen = v; });
b.onClick(() => { clicks++; });
s""")

opens = {}
for m in out["iopub"]["build"]:
    if m["msg_type"] == "comm_open" and m["content"]["target_name"] == "jupyter.widget":
        data = m["content"]["data"]
        state = data["state"] if protocol == 2 else data
        opens[state["_model_name"]] = m["content"]["comm_id"]


def update(comm_id, state):
    data = {"method": "update", "state": state, "buffer_paths": []} if protocol == 2 else {"method": "backbone", "sync_data": state}
    return collect(send_shell("comm_msg", {"comm_id": comm_id, "data": data}))


update(opens["FloatSliderModel"], {"value": 0.7})
update(opens["DropdownModel"], {"index": 1} if protocol == 2 else {"value": "CrossEntropyLoss"})
collect(send_shell("comm_msg", {"comm_id": opens["ButtonModel"], "data": {"method": "custom", "content": {"event": "click"}}}))
out["iopub"]["request_state"] = collect(send_shell("comm_msg", {"comm_id": opens["FloatSliderModel"], "data": {"method": "request_state"}}))
execute("read", "JSON.stringify({ value: s.value, seen, chosen, dropdown: d.value, clicks })")
if protocol == 2:
    control = uuid.uuid4().hex
    collect(send_shell("comm_open", {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}}))
    out["iopub"]["control"] = collect(send_shell("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}))
execute("set", "s.value = 0.25; d.value = \"LovaszSoftmaxLoss\";")
execute("display", "import { display } from \"seglab\";\ndisplay(d);")
out["opens"] = opens
kc.stop_channels()
km.shutdown_kernel(now=True)
print(json.dumps(out))
