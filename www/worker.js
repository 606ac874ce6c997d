// A Web Worker that runs scenarios off the page's main thread with the page's own engine: it
// loads the same wasm module trunk built for the page and drives it through the JS API
// (`new Simulation(scenario)`, see src/api.rs). The module's entry point sees no window and
// mounts nothing (src/main.rs).
//
// trunk hashes the module's file names, so the page says where they are. From the page:
//
//   const js = document.querySelector('link[rel="modulepreload"]').href;
//   const wasm = document.querySelector('link[rel="preload"][as="fetch"]').href;
//   const worker = new Worker('/worker.js', { type: 'module' });
//   worker.onmessage = (e) => console.log(e.data);
//   worker.postMessage({ type: 'run', id: 1, js, wasm, scenario, sliceEvents: 100000 });
//
// Messages in:  { type: 'run', id, js, wasm, scenario, sliceEvents? }: `scenario` is an object or
//               JSON text; `js` and `wasm` are needed on the first message only.
// Messages out: { type: 'progress', id, counters } after every slice of `sliceEvents` events,
//               { type: 'done', id, traceHash, metrics } at the end, or
//               { type: 'error', id, message } (a bad scenario: the message names the field).

let api = null;

async function load(js, wasm) {
  if (!api) {
    if (!js || !wasm) throw new Error('worker: the first message must carry the `js` and `wasm` URLs');
    const module = await import(js);
    await module.default({ module_or_path: wasm });
    api = module;
  }
  return api;
}

async function run({ id, js, wasm, scenario, sliceEvents = 100000 }) {
  const { Simulation } = await load(js, wasm);
  const sim = new Simulation(scenario);
  try {
    // Nothing is drawn here, so nothing is recorded for the view.
    sim.setRecording(false);
    while (sim.stepEvents(sliceEvents) > 0) {
      self.postMessage({ type: 'progress', id, counters: sim.counters() });
    }
    self.postMessage({ type: 'done', id, traceHash: sim.traceHash(), metrics: sim.metrics() });
  } finally {
    sim.free();
  }
}

// One run at a time, in the order asked.
let queue = Promise.resolve();
self.onmessage = (event) => {
  const msg = event.data;
  queue = queue.then(async () => {
    try {
      if (msg?.type !== 'run') throw new Error(`worker: unknown message type ${JSON.stringify(msg?.type)}`);
      await run(msg);
    } catch (e) {
      self.postMessage({ type: 'error', id: msg?.id, message: String(e?.message ?? e) });
    }
  });
};
