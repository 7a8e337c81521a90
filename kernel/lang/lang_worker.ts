/// <reference lib="deno.worker" />
// Temporary stub: replies with empty results.
self.onmessage = (e: MessageEvent) => {
  const [ioPort, mainPort] = e.ports;
  ioPort.onmessage = (ev) => {
    const m = ev.data;
    const type = m.msg.header.msg_type;
    const content = type === "is_complete_request" ? { status: "unknown" } : type === "complete_request" ? { status: "ok", matches: [], cursor_start: 0, cursor_end: 0, metadata: {} } : { status: "ok", found: false, data: {}, metadata: {} };
    ioPort.postMessage({ t: "reply", reqId: m.reqId, msgType: type.replace("_request", "_reply"), content });
  };
  mainPort.onmessage = (ev) => {
    const m = ev.data;
    if (m.t === "check") mainPort.postMessage({ t: "diagnostics", id: m.id, diagnostics: [] });
  };
};
