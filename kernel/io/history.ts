/**
 * The input (and output) history of the running kernel, for `history_request`: `tail`, `range`
 * and `search` (glob patterns with `*` and `?`, as IPython's). Session number 1 is this run.
 * @module
 */

type Entry = [number, number, string] | [number, number, [string, string | null]];

/** What one history request asks for. */
export interface HistoryQuery {
  output?: boolean;
  hist_access_type?: string;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

/** The history of this kernel run. */
export class History {
  readonly session = 1;
  #inputs = new Map<number, string>();
  #outputs = new Map<number, string>();

  recordInput(count: number, code: string): void {
    if (Number.isInteger(count)) this.#inputs.set(count, code);
  }

  recordOutput(count: number, text: unknown): void {
    if (Number.isInteger(count) && typeof text === "string") this.#outputs.set(count, text);
  }

  #entry(line: number, output: boolean): Entry {
    const input = this.#inputs.get(line) ?? "";
    return output
      ? [this.session, line, [input, this.#outputs.get(line) ?? null]]
      : [this.session, line, input];
  }

  /** The entries a `history_request` asks for, oldest first. */
  query(q: HistoryQuery): Entry[] {
    const output = Boolean(q.output);
    const lines = [...this.#inputs.keys()].sort((a, b) => a - b);
    const type = q.hist_access_type ?? "tail";
    if (type === "range") {
      if (q.session !== undefined && q.session !== 0 && q.session !== this.session) return [];
      const start = q.start ?? 1;
      const stop = q.stop ?? Infinity;
      return lines.filter((l) => l >= start && l < stop).map((l) => this.#entry(l, output));
    }
    if (type === "search") {
      const re = globToRegExp(q.pattern ?? "*");
      let hits = lines.filter((l) => re.test(this.#inputs.get(l)!));
      if (q.unique) {
        const seen = new Set<string>();
        hits = hits.reverse().filter((l) => {
          const s = this.#inputs.get(l)!;
          if (seen.has(s)) return false;
          seen.add(s);
          return true;
        }).reverse();
      }
      if (q.n !== undefined && q.n !== null) hits = hits.slice(-q.n);
      return hits.map((l) => this.#entry(l, output));
    }
    const n = q.n ?? 10;
    return lines.slice(Math.max(0, lines.length - n)).map((l) => this.#entry(l, output));
  }
}
