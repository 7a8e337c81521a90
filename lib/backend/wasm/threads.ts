/**
 * Multi-threaded XNNPACK for the `wasm` backend under Node and Deno, without patching globals.
 *
 * tfjs-backend-wasm 4.22 turns threads off whenever it sees Node (Deno looks like Node to it),
 * and its own start-up could not work there anyway: it hands emscripten `blob:` URLs, which
 * `node:worker_threads` refuses. Its C++ also caps the pool at half the logical cores (one thread
 * on a 2-vCPU machine). seglab starts the same threaded-SIMD build itself instead:
 *
 * - the factory script shipped in the package is evaluated as the CommonJS module it is, with a
 *   module-local `require` whose `os.cpus()` reports twice the wanted thread count (so the C++
 *   cap allows it); nothing global changes;
 * - the pthread worker script (shipped as a string) is written once to a cache file, with a
 *   one-line prelude that makes Deno's read-only `location` writable for emscripten;
 * - the workers are `unref`ed, so they do not keep the process alive.
 *
 * The result is registered as the `wasm` backend before it is first initialised; every kernel
 * (tfjs's and seglab's) is unchanged. Threads help the XNNPACK kernels (matmul, the convolutions
 * seglab leaves to it) and seglab's SIMD convolution kernels, which run on as many threads through
 * their own workers on the shared heap ({@link ./simd/helper_threads.ts}); elementwise kernels stay
 * single-threaded.
 * @module
 */
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { BackendWasm, getThreadsCount, setThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "../../core/tf.ts";
import { firstLine } from "../probes.ts";

const require = createRequire(import.meta.url);

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { unusedWorkers: { unref?(): void }[]; pthreads: Record<string, { unref?(): void }> };
  tfjs?: unknown;
}

let installed: { threads: number } | null = null;

/** The thread count of an installed threaded backend, or null. */
export function threadedInstalled(): number | null {
  return installed?.threads ?? null;
}

function wasmOutDir(): string {
  return path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "wasm-out");
}

/** Writes the pthread worker script to a per-version cache file (atomically) and returns its path. */
function workerScript(dir: string): string {
  const { wasmWorkerContents } = require(path.join(dir, "tfjs-backend-wasm-threaded-simd.worker.js")) as {
    wasmWorkerContents: string;
  };
  // As tfjs does before making a Blob of it: the string's "\n" escapes became real newlines.
  const body = wasmWorkerContents.replace(/\n/g, "\\n");
  const prelude =
    `try{Object.defineProperty(globalThis,"location",{value:undefined,writable:true,configurable:true})}catch(e){}\n`;
  const text = prelude + body;
  const cacheDir = path.join(os.tmpdir(), `seglab-tfjs-wasm-${tf.version_core}`);
  const file = path.join(cacheDir, `pthread-worker-${text.length}.cjs`);
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
  return file;
}

/**
 * Loads the threaded factory with a module-local `os.cpus()` that reports `2·threads` cores,
 * and a worker pool of `threads` instead of the build's fixed 8 (each pool worker instantiates
 * the module at start-up; XNNPACK's pool needs `threads − 1` of them plus the main thread).
 */
function threadedFactory(
  dir: string,
  threads: number,
): (config: Record<string, unknown>) => Promise<EmscriptenModule> {
  const file = path.join(dir, "tfjs-backend-wasm-threaded-simd.js");
  const POOL = "var pthreadPoolSize=8;";
  let text = fs.readFileSync(file, "utf8");
  if (text.split(POOL).length === 2) text = text.replace(POOL, `var pthreadPoolSize=${threads};`);
  const cpu = os.cpus()[0];
  const fakeOs = { ...os, cpus: () => Array.from({ length: 2 * threads }, () => cpu) };
  const localRequire = (id: string) => (id === "os" || id === "node:os" ? fakeOs : require(id));
  const mod = { exports: {} as unknown };
  new Function("require", "module", "exports", "__filename", "__dirname", text)(
    localRequire,
    mod,
    mod.exports,
    file,
    dir,
  );
  return mod.exports as (config: Record<string, unknown>) => Promise<EmscriptenModule>;
}

/**
 * Makes the `wasm` backend start with `threads` XNNPACK threads. Must run before the backend
 * is first initialised. Returns null on success, else why threads are off.
 */
export function installThreadedWasm(threads: number): Promise<string | null> {
  // Concurrent first calls (two ready()s at start-up) share one start.
  installing ??= install(threads).finally(() => (installing = null));
  return installing;
}

let installing: Promise<string | null> | null = null;

async function install(threads: number): Promise<string | null> {
  if (installed) {
    return installed.threads === threads ? null : `already started with ${installed.threads} threads`;
  }
  if (tf.engine().registry.wasm) return "the wasm backend was already initialised single-threaded";
  if (typeof SharedArrayBuffer === "undefined") return "this runtime has no SharedArrayBuffer";
  if (!(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"))) return "no WebAssembly SIMD";
  let module: EmscriptenModule;
  try {
    const dir = wasmOutDir();
    const factory = threadedFactory(dir, threads);
    const worker = workerScript(dir);
    module = await factory({
      locateFile: (p: string, prefix: string) =>
        p.endsWith(".worker.js")
          ? worker
          : p.endsWith(".wasm")
          ? path.join(dir, "tfjs-backend-wasm-threaded-simd.wasm")
          : prefix + p,
      mainScriptUrlOrBlob: path.join(dir, "tfjs-backend-wasm-threaded-simd.js"),
      print: () => {},
      printErr: (s: string) => console.error(`seglab wasm threads: ${s}`),
    });
  } catch (e) {
    return `the threaded wasm build failed to start: ${firstLine(e)}`;
  }
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  const unref = () => {
    const p = module.PThread;
    if (!p) return;
    for (const w of [...p.unusedWorkers, ...Object.values(p.pthreads)]) w.unref?.();
  };
  unref();
  setThreadsCount(threads);
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", () => {
    const b = new BackendWasm(module as never);
    unref(); // the pool's threads start with the backend
    return b;
  }, 2);
  installed = { threads };
  return null;
}

/** XNNPACK's thread count once the wasm backend runs (1 when threads are off). */
export function wasmThreads(): number {
  const n = getThreadsCount();
  return n > 0 ? n : 1;
}
