import assert from "node:assert/strict";
import { parseListFile } from "../../datasets/list_file.ts";

Deno.test("parseListFile reads `image|label` and `image label` lines, skipping blank lines", () => {
  const e = parseListFile("a.jpg|a.png\r\n\n  b.jpg   b.png  \nc d.jpg | c d.png\n", {
    file: "train.txt",
    requireLabels: true,
  });
  assert.deepEqual(e, [
    { image: "a.jpg", label: "a.png", line: 1 },
    { image: "b.jpg", label: "b.png", line: 3 },
    { image: "c d.jpg", label: "c d.png", line: 4 },
  ]);
  assert.deepEqual(parseListFile("x.png\n", { file: "test.txt", requireLabels: false }), [{
    image: "x.png",
    label: null,
    line: 1,
  }]);
  assert.deepEqual(parseListFile("a,b\n", { file: "l.txt", separator: ",", requireLabels: true }), [{
    image: "a",
    label: "b",
    line: 1,
  }]);
});

Deno.test("parseListFile errors name the file and line", () => {
  assert.throws(
    () => parseListFile("\n\n", { file: "/d/train.txt", requireLabels: true }),
    /\/d\/train.txt: the list file is empty/,
  );
  assert.throws(
    () => parseListFile("a|b\nc\n", { file: "train.txt", requireLabels: true }),
    /^DatasetError: train.txt line 2: list line "c" names no label/,
  );
  assert.throws(
    () => parseListFile("a b c\n", { file: "t.txt", requireLabels: true }),
    /t.txt line 1: list line "a b c" should be `image|label` or `image label` \(3 fields\)/,
  );
});
