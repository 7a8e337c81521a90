/**
 * `seglab/widgets`: Jupyter widgets for notebooks on the seglab kernel — sliders, drop-downs,
 * check boxes, buttons, text, boxes and an output area on the Jupyter widgets protocol, and
 * `interact` to drive a function (a loss figure) from them. Protocol 2 (`@jupyter-widgets/controls`
 * 2.0: JupyterLab, Notebook 7, VS Code) by default; protocol 1 for ipywidgets 6's front end
 * (Debian's Notebook 6 nbextension), found by its version probe.
 *
 * @example
 * ```ts
 * import { FloatSlider } from "seglab/widgets";
 * const coef = new FloatSlider({ value: 0.5, min: 0, max: 1, step: 0.05, description: "coef" });
 * coef.observe((c) => console.log(c.name, c.old, "→", c.new));
 * coef            // the slider; coef.value follows it
 * ```
 * @module
 */
export {
  Button,
  Checkbox,
  Dropdown,
  FloatSlider,
  HBox,
  IntSlider,
  Label,
  Layout,
  Output,
  Text,
  VBox,
} from "./controls.ts";
export type { BoxOptions, DescriptionOptions, DropdownOptions, SliderOptions } from "./controls.ts";
export { controlFor, interact, Interactive, interactive } from "./interact.ts";
export type { Abbreviation, Values } from "./interact.ts";
export { ValueWidget, Widget } from "./widget.ts";
export type { Change, ModelSpec } from "./widget.ts";
export { widgetProtocol } from "./protocol.ts";
export type { ProtocolVersion } from "./protocol.ts";
