/**
 * seglab/widgets: state, observers and interact outside a kernel, then both widget protocols
 * through jupyter_client (test/kernel/widgets/widget_protocol.py plays the front end).
 */
import assert from "node:assert/strict";
import { Dropdown, FloatSlider, interactive, IntSlider, VBox } from "../../../kernel/widgets/mod.ts";
import { DISPLAY, type MimeBundle } from "../../../lib/core/mime.ts";
import { installTestKernel, jupyterTest, PYTHON } from "../../support/jupyter.ts";

Deno.test("widgets: ipywidgets' options, observers on kernel-side changes, the widget-view bundle", () => {
  const s = new FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.05, description: "coef" });
  const seen: unknown[] = [];
  const stop = s.observe((c) => seen.push([c.name, c.old, c.new]), "value");
  const values: number[] = [];
  s.onChange((v) => values.push(v));
  s.value = 0.75;
  s.value = 0.75; // no change, no event
  stop();
  s.value = 0.1;
  assert.deepEqual(seen, [["value", 0.5, 0.75]]);
  assert.deepEqual(values, [0.75, 0.1]);
  const bundle = s[DISPLAY]() as MimeBundle;
  assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
    model_id: s.modelId,
    version_major: 2,
    version_minor: 0,
  });
  assert.equal(bundle["text/plain"], 'FloatSlider(value=0.1, description="coef")');
  const d = new Dropdown({ options: [["CE", "CrossEntropyLoss"], ["Lovász", "LovaszSoftmaxLoss"]] as const });
  assert.equal(d.value, "CrossEntropyLoss");
  d.value = "LovaszSoftmaxLoss";
  assert.equal(d.label, "Lovász");
  assert.match(String(new VBox({ children: [s, d] })), /^VBox\(FloatSlider/);
  assert.throws(() => new IntSlider({ value: 1.5 }), /IntSlider: value must be an integer, got 1.5/);
  assert.throws(() => new FloatSlider({ min: 0, max: 1, value: 2 }), /value 2 is outside \[0, 1\]/);
  assert.throws(
    () => new Dropdown({ options: ["a"], value: "b" }),
    /value "b" is not one of the options \(a\)/,
  );
});

Deno.test("widgets: interactive runs fn with the controls' values, again on every change", async () => {
  const calls: unknown[] = [];
  const w = await interactive(({ coef, type }) => {
    calls.push([coef, type]);
    return `${type} × ${coef}`;
  }, { coef: [0, 1, 0.25], type: ["LovaszSoftmaxLoss", "CrossEntropyLoss"] });
  assert.deepEqual(calls, [[0.5, "LovaszSoftmaxLoss"]]);
  w.controls.type.value = "CrossEntropyLoss";
  w.controls.coef.value = 0.25;
  await w.update();
  assert.deepEqual(calls.at(-1), [0.25, "CrossEntropyLoss"]);
  assert.equal(w.result, "CrossEntropyLoss × 0.25");
  assert.equal(w.children.length, 3, "two controls and the output");
});

for (const protocol of [2, 1] as const) {
  jupyterTest(
    `widgets: protocol ${protocol} through jupyter_client (state sent, front-end updates, observers, clicks)`,
    async () => {
      const kernel = await installTestKernel({ name: `seglab-widgets-${protocol}` });
      try {
        const child = new Deno.Command(PYTHON, {
          args: [new URL("./widget_protocol.py", import.meta.url).pathname],
          env: { JUPYTER_PATH: kernel.jupyterPath },
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const w = child.stdin.getWriter();
        await w.write(new TextEncoder().encode(JSON.stringify({ kernel_name: kernel.name, protocol })));
        await w.close();
        const out = await child.output();
        const text = new TextDecoder().decode(out.stdout);
        assert.ok(out.success, new TextDecoder().decode(out.stderr));
        type M = { msg_type: string; content: Record<string, unknown>; metadata: Record<string, unknown> };
        const r = JSON.parse(text) as { iopub: Record<string, M[]>; opens: Record<string, string> };
        if (protocol === 1) {
          assert.deepEqual(r.iopub.probe.map((m) => m.content.data), [{ version: "~2.1.4" }]);
        }
        const open = r.iopub.build.find((m) =>
          m.msg_type === "comm_open" && m.content.comm_id === r.opens.FloatSliderModel
        )!;
        const data = open.content.data as Record<string, unknown>;
        const state = (protocol === 2 ? data.state : data) as Record<string, unknown>;
        assert.equal(
          state._model_module,
          protocol === 2 ? "@jupyter-widgets/controls" : "jupyter-js-widgets",
        );
        assert.equal(state._view_name, "FloatSliderView");
        assert.deepEqual([state.value, state.min, state.max, state.step, state.description], [
          0.5,
          0,
          1,
          0.05,
          "coef",
        ]);
        if (protocol === 2) {
          assert.equal(open.metadata.version, "2.1.0");
          assert.match(String(state.layout), /^IPY_MODEL_[0-9a-f]{32}$/);
        }
        const result = r.iopub.build.find((m) => m.msg_type === "execute_result")!;
        const view =
          (result.content.data as Record<string, unknown>)["application/vnd.jupyter.widget-view+json"];
        assert.deepEqual(view, { model_id: r.opens.FloatSliderModel, version_major: 2, version_minor: 0 });
        assert.equal(
          r.iopub.build.some((m) =>
            m.msg_type === "comm_msg" && (m.content.data as { method?: string }).method === "display"
          ),
          protocol === 1,
          "ipywidgets 6's front end is told to display; protocol 2's reads the bundle",
        );
        if (protocol === 2) {
          // ipywidgets 8's control comm: all live models' states at once (page reloads).
          const reply = r.iopub.control.find((m) => m.msg_type === "comm_msg")!.content.data as {
            method: string;
            states: Record<string, { model_name: string; state: Record<string, unknown> }>;
          };
          assert.equal(reply.method, "update_states");
          const slider = reply.states[r.opens.FloatSliderModel];
          assert.equal(slider.model_name, "FloatSliderModel");
          assert.equal(slider.state.value, 0.7);
          assert.equal(
            Object.keys(reply.states).length,
            Object.keys(r.opens).length + 2,
            "every model, layouts included",
          );
        }
        const full = (r.iopub.request_state[0].content.data as { state: Record<string, unknown> }).state;
        assert.equal(full.value, 0.7);
        assert.equal(full._model_name, "FloatSliderModel");
        const read = r.iopub.read.find((m) => m.msg_type === "execute_result")!;
        // The result is the JSON text, shown as a quoted string.
        const values = JSON.parse(
          String((read.content.data as Record<string, string>)["text/plain"]).slice(1, -1),
        );
        assert.deepEqual(values, {
          value: 0.7,
          seen: [0.7],
          chosen: "CrossEntropyLoss",
          dropdown: "CrossEntropyLoss",
          clicks: 1,
        });
        const sent = r.iopub.set.filter((m) => m.msg_type === "comm_msg").map((m) =>
          (m.content.data as { state: unknown }).state
        );
        assert.deepEqual(sent, [
          { value: 0.25 },
          protocol === 2 ? { index: 0 } : { value: "LovaszSoftmaxLoss" },
        ]);
      } finally {
        await kernel.remove();
      }
    },
  );
}
