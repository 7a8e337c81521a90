/**
 * Notebooks for kernel tests and benchmarks: a 90-cell notebook of mixed outputs with the output
 * each cell must show, the race notebook of the kernel research (90 × `i * 1`, the last 30 also
 * printing), and a counter of cells whose outputs were lost or changed.
 * @module
 */

/** A 90-cell notebook of mixed outputs and what each cell must show. */
export function mixedNotebook(): { cells: string[]; expected: string[][] } {
  const cells: string[] = ["import { display } from 'seglab';\n'ready'"];
  const expected: string[][] = [['"ready"']];
  for (let i = 1; i < 90; i++) {
    switch (i % 6) {
      case 0:
        cells.push(`${i} * 1`);
        expected.push([String(i)]);
        break;
      case 1:
        cells.push(`console.log("line ${i}");\n${i}`);
        expected.push([`line ${i}\n`, String(i)]);
        break;
      case 2:
        cells.push(`await new Promise((r) => setTimeout(r, 1));\n"v${i}"`);
        expected.push([`"v${i}"`]);
        break;
      case 3:
        cells.push(`display("shown ${i}");`);
        expected.push([`shown ${i}`]);
        break;
      case 4:
        cells.push(`console.error("err ${i}");\nconsole.log("out ${i}");`);
        expected.push([`err ${i}\n`, `out ${i}\n`]);
        break;
      default:
        cells.push(`const v${i} = await Promise.resolve(${i});\nv${i} + 0`);
        expected.push([String(i)]);
    }
  }
  return { cells, expected };
}

/** Cells of an executed notebook whose outputs differ from `expected`. */
export function lostOutputs(
  nb: { cells: Array<{ outputs: Array<Record<string, unknown>> }> },
  expected: string[][],
): number[] {
  const bad: number[] = [];
  nb.cells.forEach((c, i) => {
    const got = c.outputs.map((o) => {
      if (o.output_type === "stream") return String(Array.isArray(o.text) ? o.text.join("") : o.text);
      const d = (o.data as Record<string, string | string[]>)["text/plain"];
      return Array.isArray(d) ? d.join("") : String(d);
    });
    if (JSON.stringify(got) !== JSON.stringify(expected[i])) bad.push(i);
  });
  return bad;
}

/** The research's race notebook: 90 cells `i * 1`, the last 30 also `console.log`. */
export function raceNotebook(): { cells: string[]; expected: string[][] } {
  const cells: string[] = [], expected: string[][] = [];
  for (let i = 0; i < 90; i++) {
    if (i < 60) {
      cells.push(`${i} * 1`);
      expected.push([String(i)]);
    } else {
      cells.push(`console.log("line ${i}");\n${i} * 1`);
      expected.push([`line ${i}\n`, String(i)]);
    }
  }
  return { cells, expected };
}
