import assert from "node:assert/strict";
import { type OptionDef, parseArgs, usage, UsageError } from "../../lib/cli/args.ts";

const DEFS: Record<string, OptionDef> = {
  config: { kind: "string", doc: "config" },
  iters: { kind: "int", doc: "iterations" },
  learning_rate: { kind: "number", doc: "lr" },
  resume: { kind: "flag", doc: "resume" },
  crop_size: { kind: "pair", doc: "crop" },
  model: { kind: "string", doc: "model", aliases: ["model_path"] },
};

Deno.test("parseArgs reads PaddleSeg-style options", () => {
  assert.deepEqual(
    parseArgs(
      [
        "--config",
        "a.yml",
        "--iters=20",
        "--learning-rate",
        "0.005",
        "--resume",
        "--crop_size",
        "512",
        "256",
        "--model_path",
        "out/best",
      ],
      DEFS,
      "train",
    ),
    {
      config: "a.yml",
      iters: 20,
      learning_rate: 0.005,
      resume: true,
      crop_size: [512, 256],
      model: "out/best",
    },
  );
  assert.deepEqual(parseArgs(["--crop_size=64x32", "--resume=false"], DEFS, "train"), {
    crop_size: [64, 32],
    resume: false,
  });
});

Deno.test("parseArgs errors say what is wrong", () => {
  const bad: [string[], RegExp][] = [
    [["--iter", "5"], /unknown option --iter \(did you mean "--iters"\?\)/],
    [["--iters", "5.5"], /--iters expects an integer, got "5\.5"/],
    [["--config"], /--config needs a value/],
    [["config.yml"], /unexpected argument "config\.yml"/],
    [["--crop_size", "512"], /--crop_size needs a value|expects two positive integers/],
  ];
  for (const [argv, re] of bad) {
    assert.throws(
      () => parseArgs(argv, DEFS, "train"),
      (e: Error) => e instanceof UsageError && re.test(e.message),
      argv.join(" "),
    );
  }
  assert.match(usage("train", "train a model", DEFS), /--model, --model_path PATH\s+model/);
});
