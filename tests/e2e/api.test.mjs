// The JS API (src/api.rs) in headless Chromium: the `Simulation` class trunk exposes as
// `window.wasmBindings.Simulation`, and the Web Worker that drives it (www/worker.js). Each run is
// checked against the native CLI on the same scenario file: the same trace hash and the same report,
// number for number, so wasm32 in the browser and x86-64 agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist, launch, openPage, root } from './harness.mjs';

const cli = join(root, 'target', 'release', 'mcast');
const scenarioDir = join(root, 'scenarios');
const scenarioFiles = readdirSync(scenarioDir).filter((f) => f.endsWith('.json')).sort();

/** The CLI's report for a scenario file, parsed. */
function cliReport(file) {
  assert.ok(existsSync(cli), `build the CLI first: cargo build --release --bin mcast (${cli})`);
  return JSON.parse(execFileSync(cli, ['run', join(scenarioDir, file)], { encoding: 'utf8' }));
}

let server;
let browser;
let page;
before(async () => {
  server = await serveDist();
  browser = await launch();
  page = await openPage(browser, server.url);
  await page.waitForFunction(() => window.wasmBindings?.Simulation !== undefined);
});
after(async () => { await browser?.close(); await server?.close(); });

test('trunk exposes the Simulation class and its static tables on window.wasmBindings', async () => {
  const info = await page.evaluate(() => {
    const { Simulation } = window.wasmBindings;
    return {
      type: typeof Simulation,
      fromLink: typeof Simulation.fromLink,
      packetKinds: Simulation.packetKinds(),
      nodeStates: Simulation.nodeStates(),
    };
  });
  assert.equal(info.type, 'function');
  assert.equal(info.fromLink, 'function');
  // The CLI's report names every packet kind: the JS table holds the same names.
  const report = cliReport('centralized.json');
  assert.deepEqual([...info.packetKinds].sort(), Object.keys(report.packets).sort());
  assert.deepEqual(info.nodeStates, ['sender', 'waiting', 'partial', 'done', 'crashed', 'paused', 'absent', 'infective']);
  assert.deepEqual(page.errors, []);
});

test('every scenario file: runToEnd() in the page gives the CLI\'s trace hash and report', async () => {
  assert.ok(scenarioFiles.length >= 7, `scenario files found: ${scenarioFiles}`);
  for (const file of scenarioFiles) {
    const text = readFileSync(join(scenarioDir, file), 'utf8');
    const cliOut = cliReport(file);
    const web = await page.evaluate((text) => {
      const sim = new window.wasmBindings.Simulation(text);
      try {
        sim.runToEnd();
        return { hash: sim.traceHash(), done: sim.isDone(), metrics: sim.metrics(), counters: sim.counters() };
      } finally {
        sim.free();
      }
    }, text);
    assert.equal(web.hash, cliOut.trace_hash, `${file}: trace hash, wasm vs native`);
    assert.ok(web.done, `${file}: done after runToEnd()`);
    assert.equal(web.metrics.trace_hash, web.hash, `${file}: metrics().trace_hash is traceHash()`);
    assert.equal(web.metrics.deliveries, cliOut.deliveries, `${file}: deliveries`);
    assert.deepEqual(web.metrics.packets, cliOut.packets, `${file}: packets by kind`);
    assert.equal(web.metrics.packets_lost, cliOut.packets_lost, `${file}: packets lost`);
    assert.equal(web.metrics.events, cliOut.events, `${file}: events`);
    // The whole report, float for float (latencies, ratios, per-message completion).
    assert.deepEqual(web.metrics, cliOut, `${file}: the full report`);
    // The cheap counters agree with the report. counters().deliveries counts every first
    // delivery to a receiver; the report's only those owed (to members when the message went
    // out, and alive at the end): they differ only when nodes join, leave or stay crashed.
    if (cliOut.joins === 0 && cliOut.leaves === 0 && cliOut.live_nodes === cliOut.nodes) {
      assert.equal(web.counters.deliveries, cliOut.deliveries, `${file}: counters().deliveries`);
    } else {
      assert.ok(web.counters.deliveries >= cliOut.deliveries, `${file}: counters().deliveries ${web.counters.deliveries}`);
    }
    assert.equal(web.counters.lost, cliOut.packets_lost, `${file}: counters().lost`);
    assert.equal(web.counters.events, cliOut.events, `${file}: counters().events`);
    for (const [kind, n] of Object.entries(cliOut.packets)) {
      assert.equal(web.counters.sent[kind], n, `${file}: counters().sent.${kind}`);
    }
  }
  assert.deepEqual(page.errors, []);
});

test('stepping in 16 ms frames, or by bounded event counts, gives the one-shot run', async () => {
  for (const file of scenarioFiles) {
    const text = readFileSync(join(scenarioDir, file), 'utf8');
    const cliOut = cliReport(file);
    const web = await page.evaluate((text) => {
      const { Simulation } = window.wasmBindings;
      const framed = new Simulation(text);
      let frames = 0;
      let last = -1;
      let monotonic = true;
      let doneAt = null;
      while (!framed.step(16)) {
        frames++;
        const now = framed.nowMs();
        if (now < last) monotonic = false;
        last = now;
        // Draw as the page would: the snapshot must not change the run.
        if (frames % 7 === 0) framed.snapshot();
        if (frames > 1e6) throw new Error('step(16) never finished');
      }
      doneAt = { now: framed.nowMs(), end: framed.endMs() };
      const framedOut = { hash: framed.traceHash(), metrics: framed.metrics(), isDone: framed.isDone() };
      // Once done, stepping again processes nothing and still says done (the clock moves on).
      framedOut.again = framed.step(16);
      framedOut.againEvents = framed.counters().events;
      framedOut.againHash = framed.traceHash();
      framedOut.againNow = framed.nowMs();
      framed.free();

      // Bounded work per call, with the recording of flights off (the worker's way).
      const counted = new Simulation(text);
      counted.setRecording(false);
      let calls = 0;
      while (counted.stepEvents(97) > 0) calls++;
      const countedOut = { hash: counted.traceHash(), metrics: counted.metrics(), isDone: counted.isDone(), calls };
      counted.free();
      return { frames, monotonic, doneAt, framedOut, countedOut };
    }, text);
    assert.ok(web.frames > 0, `${file}: more than one frame`);
    assert.ok(web.monotonic, `${file}: nowMs() never goes back`);
    assert.ok(web.doneAt.now <= web.doneAt.end, `${file}: time stops at endMs() (${JSON.stringify(web.doneAt)})`);
    assert.equal(web.framedOut.again, true, `${file}: step() after the end says done`);
    assert.equal(web.framedOut.againHash, web.framedOut.hash, `${file}: step() after the end changes nothing`);
    assert.equal(web.framedOut.againEvents, web.framedOut.metrics.events, `${file}: no event after the end`);
    assert.equal(web.framedOut.againNow, Math.min(web.doneAt.now + 16, web.doneAt.end), `${file}: the clock moves on`);
    assert.ok(web.framedOut.isDone, `${file}: isDone()`);
    assert.equal(web.framedOut.hash, cliOut.trace_hash, `${file}: step(16) frames vs the CLI`);
    // Everything but the clock: the CLI's run stops at the last event, frames at the frame
    // boundary after it (tests/determinism.rs says the same natively).
    const { sim_time_ms: framedTime, ...framedRest } = web.framedOut.metrics;
    const { sim_time_ms: cliTime, ...cliRest } = cliOut;
    assert.deepEqual(framedRest, cliRest, `${file}: step(16) report vs the CLI`);
    assert.ok(framedTime >= cliTime && framedTime < cliTime + 16, `${file}: sim_time_ms ${framedTime} vs ${cliTime}`);
    assert.equal(framedTime, web.doneAt.now, `${file}: sim_time_ms is nowMs()`);
    assert.ok(web.countedOut.calls > 1, `${file}: several stepEvents() calls`);
    assert.ok(web.countedOut.isDone, `${file}: isDone() after stepEvents() returns 0`);
    assert.equal(web.countedOut.hash, cliOut.trace_hash, `${file}: stepEvents(97) vs the CLI`);
    assert.deepEqual(web.countedOut.metrics, cliOut, `${file}: stepEvents(97) report vs the CLI`);
  }
  assert.deepEqual(page.errors, []);
});

test('snapshot() and positions(): one entry per node, valid codes, flights in range', async () => {
  for (const file of ['centralized.json', 'centralized-acks.json', 'churn.json', 'crash-recover.json', 'partition.json']) {
    const text = readFileSync(join(scenarioDir, file), 'utf8');
    const r = await page.evaluate((text) => {
      const { Simulation } = window.wasmBindings;
      const kinds = Simulation.packetKinds().length;
      const codes = Simulation.nodeStates().length;
      const sim = new Simulation(text);
      const nodes = sim.nodes();
      const problems = [];
      const seenStates = new Set();
      let maxFlights = 0;
      const check = (label) => {
        const s = sim.snapshot();
        const pos = sim.positions();
        if (!(s.states instanceof Uint8Array)) problems.push(`${label}: states is not a Uint8Array`);
        if (s.states.length !== nodes) problems.push(`${label}: ${s.states.length} states for ${nodes} nodes`);
        if (!(pos instanceof Float64Array)) problems.push(`${label}: positions() is not a Float64Array`);
        if (pos.length !== 2 * nodes) problems.push(`${label}: ${pos.length} coordinates for ${nodes} nodes`);
        if (pos.some((v) => !(v >= 0 && v <= 1))) problems.push(`${label}: a position outside the unit square`);
        if (s.nowMs !== sim.nowMs()) problems.push(`${label}: snapshot().nowMs ${s.nowMs} != nowMs() ${sim.nowMs()}`);
        if (s.done !== sim.isDone()) problems.push(`${label}: snapshot().done != isDone()`);
        for (const c of s.states) {
          seenStates.add(c);
          if (c >= codes) problems.push(`${label}: state code ${c}`);
        }
        const f = s.flights;
        const types = { from: Uint32Array, to: Uint32Array, progress: Float32Array, kind: Uint8Array, lost: Uint8Array };
        for (const [k, T] of Object.entries(types)) {
          if (!(f[k] instanceof T)) problems.push(`${label}: flights.${k} is not a ${T.name}`);
          if (f[k].length !== f.from.length) problems.push(`${label}: flights.${k} has ${f[k].length} entries, from has ${f.from.length}`);
        }
        for (let i = 0; i < f.from.length; i++) {
          if (f.from[i] >= nodes || f.to[i] >= nodes) problems.push(`${label}: flight ${f.from[i]}→${f.to[i]} outside the group`);
          if (!(f.progress[i] >= 0 && f.progress[i] <= 1)) problems.push(`${label}: progress ${f.progress[i]}`);
          if (f.kind[i] >= kinds) problems.push(`${label}: kind ${f.kind[i]}`);
          if (f.lost[i] > 1) problems.push(`${label}: lost ${f.lost[i]}`);
        }
        maxFlights = Math.max(maxFlights, f.from.length);
        return s;
      };
      const first = check('t=0');
      const initial = [...first.states];
      let t = 0;
      while (!sim.step(4)) check(`t=${(t += 4)}`);
      const last = check('end');
      const out = {
        nodes, groupSize: sim.scenario().group.size, initial, final: [...last.states], seen: [...seenStates].sort(),
        maxFlights, problems: problems.slice(0, 10), sender: sim.scenario().group.sender,
      };
      sim.free();
      return out;
    }, text);
    assert.deepEqual(r.problems, [], `${file}: snapshot problems`);
    assert.ok(r.nodes >= r.groupSize, `${file}: nodes() ${r.nodes} counts at least the group (${r.groupSize})`);
    assert.ok(r.maxFlights > 0, `${file}: packets were seen on the wire`);
    assert.equal(r.initial[r.sender], 0, `${file}: the sender's code is 0 (sender)`);
    if (file === 'centralized-acks.json') {
      // Reliable: everyone but the sender and node 42 (crashed at 20 ms) ends done.
      const want = r.final.map((_, i) => (i === r.sender ? 0 : i === 42 ? 4 : 3));
      assert.deepEqual(r.final, want, `${file}: final states`);
    }
    if (file === 'churn.json') {
      assert.ok(r.nodes > r.groupSize, `${file}: joiners get ids past group.size (${r.nodes} vs ${r.groupSize})`);
      assert.ok(r.seen.includes(6), `${file}: not-yet-joined or departed nodes are absent (6): ${r.seen}`);
    }
    if (file === 'crash-recover.json') assert.ok(r.seen.includes(4), `${file}: a crashed node (4) shows: ${r.seen}`);
  }
  assert.deepEqual(page.errors, []);
});

test('scenario() and shareLink() replay the same run; fromLink accepts the fragment with or without #', async () => {
  const text = readFileSync(join(scenarioDir, 'partition.json'), 'utf8');
  const cliOut = cliReport('partition.json');
  const r = await page.evaluate((text) => {
    const { Simulation } = window.wasmBindings;
    const a = new Simulation(JSON.parse(text));
    const link = a.shareLink();
    const scenario = a.scenario();
    a.runToEnd();
    const b = Simulation.fromLink(link);
    b.runToEnd();
    const c = Simulation.fromLink(`#${link}`);
    c.runToEnd();
    const d = new Simulation(scenario);
    d.runToEnd();
    const out = { link, hashes: [a, b, c, d].map((s) => s.traceHash()), sameScenario: JSON.stringify(b.scenario()) === JSON.stringify(scenario) };
    [a, b, c, d].forEach((s) => s.free());
    return out;
  }, text);
  assert.match(r.link, /^v1\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(r.hashes, Array(4).fill(cliOut.trace_hash));
  assert.ok(r.sameScenario, 'the link decodes to the same scenario');
  assert.deepEqual(page.errors, []);
});

/** The golden share links (tests/golden_links.txt): name, trace hash when made, link. */
function goldenLinks() {
  return readFileSync(join(root, 'tests', 'golden_links.txt'), 'utf8').split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => { const [name, hash, link] = l.split(' '); return { name, hash, link }; });
}

test('golden links made by version 1 replay as made, and version 1 and 2 objects read alike', async () => {
  const golden = goldenLinks();
  assert.ok(golden.length >= 25, `golden links found: ${golden.length}`);
  const r = await page.evaluate((golden) => {
    const { Simulation } = window.wasmBindings;
    const replayed = golden.map(({ name, link }) => {
      const sim = Simulation.fromLink(link);
      sim.setRecording(false);
      sim.runToEnd();
      const out = { name, hash: sim.traceHash(), version: sim.scenario().version, queue: sim.scenario().network.uplink_queue_bytes };
      sim.free();
      return out;
    });
    // The same scenario as a version-1 object (queues unlimited when left out) and as version 2
    // with the zeros written in: one run; version 2 without them is another (finite queues).
    const base = { seed: 4, group: { size: 300 }, network: { uplink_bytes_per_sec: 100000 }, protocol: { kind: 'centralized' }, workload: { messages: 3 } };
    const run = (scenario) => {
      const sim = new Simulation(scenario);
      sim.runToEnd();
      const out = { hash: sim.traceHash(), version: sim.scenario().version, dropped: sim.metrics().packets_dropped_uplink };
      sim.free();
      return out;
    };
    const v1 = run({ ...base, version: 1 });
    const v1Text = run(JSON.stringify({ ...base, version: 1 }));
    const v2Unlimited = run({ ...base, version: 2, network: { ...base.network, uplink_queue_bytes: 0, downlink_queue_bytes: 0 } });
    const v2 = run({ ...base, version: 2 });
    return { replayed, v1, v1Text, v2Unlimited, v2 };
  }, golden);
  for (const [i, g] of golden.entries()) {
    assert.equal(r.replayed[i].hash, g.hash, `${g.name}: the link replays the run it was made with`);
    assert.equal(r.replayed[i].version, 2, `${g.name}: read as version 2`);
  }
  assert.deepEqual(r.v1, r.v1Text);
  assert.deepEqual(r.v1, r.v2Unlimited);
  assert.deepEqual([r.v1.version, r.v1.dropped], [2, 0]);
  assert.notEqual(r.v2.hash, r.v1.hash, 'the default queue (200,000 bytes at 0.1 MB/s) drops copies');
  assert.ok(r.v2.dropped > 0);
  assert.deepEqual(page.errors, []);
});

test('bad input throws an Error that names the field, and never panics', async () => {
  const r = await page.evaluate(() => {
    const { Simulation } = window.wasmBindings;
    const base = () => ({ version: 2, seed: 3, group: { size: 20 }, protocol: { kind: 'centralized' } });
    const attempt = (f) => {
      try {
        const sim = f();
        sim?.free?.();
        return { threw: false };
      } catch (e) {
        return { threw: true, isError: e instanceof Error, message: String(e?.message ?? e) };
      }
    };
    const cyclic = base();
    cyclic.group.self = cyclic;
    let deep = {};
    for (let i = 0; i < 10000; i++) deep = { a: deep };
    const ok = new Simulation(base());
    const throwingGroup = { size: 20 };
    Object.defineProperty(throwingGroup, 'sender', { enumerable: true, get() { throw new TypeError('nope'); } });
    const out = {
      // Exceptions from the caller's own getters and proxies are caught and name the field.
      getter: attempt(() => new Simulation({ ...base(), get network() { throw new Error('boom'); } })),
      nestedGetter: attempt(() => new Simulation({ ...base(), group: throwingGroup })),
      thrownString: attempt(() => new Simulation(new Proxy(base(), { get() { throw 'a string'; } }))),
      proxyKeys: attempt(() => new Simulation(new Proxy(base(), { ownKeys() { throw new Error('keys'); } }))),
      hugeGroup: attempt(() => new Simulation({ ...base(), group: { size: 1e9 } })),
      hugeGroupText: attempt(() => new Simulation(JSON.stringify({ ...base(), group: { size: 1e9 } }))),
      nanLoss: attempt(() => new Simulation({ ...base(), network: { loss: NaN } })),
      lossText: attempt(() => new Simulation(JSON.stringify({ ...base(), network: { loss: 7 } }))),
      nanText: attempt(() => new Simulation('{"version": 1, "seed": 1, "group": {"size": 10}, "network": {"loss": NaN}, "protocol": {"kind": "centralized"}}')),
      typo: attempt(() => new Simulation({ ...base(), netwrok: { loss: 0.1 } })),
      nestedTypo: attempt(() => new Simulation({ ...base(), group: { size: 20, sise: 3 } })),
      stringSize: attempt(() => new Simulation({ ...base(), group: { size: 'ten' } })),
      negativeSize: attempt(() => new Simulation({ ...base(), group: { size: -5 } })),
      badKind: attempt(() => new Simulation({ ...base(), protocol: { kind: 'telepathy' } })),
      version: attempt(() => new Simulation({ ...base(), version: 99 })),
      tooManyPackets: attempt(() => new Simulation({ ...base(), group: { size: 20000 }, workload: { messages: 100000 } })),
      notJson: attempt(() => new Simulation('{ not json')),
      empty: attempt(() => new Simulation('')),
      nullScenario: attempt(() => new Simulation(null)),
      undefinedScenario: attempt(() => new Simulation()),
      number: attempt(() => new Simulation(42)),
      array: attempt(() => new Simulation([1, 2])),
      cyclic: attempt(() => new Simulation(cyclic)),
      deep: attempt(() => new Simulation(deep)),
      garbageLink: attempt(() => Simulation.fromLink('v1.%%%not-base64')),
      truncatedLink: attempt(() => Simulation.fromLink('v1.AAAA')),
      oldLink: attempt(() => Simulation.fromLink('v0.abc')),
      notALink: attempt(() => Simulation.fromLink('hello')),
      emptyLink: attempt(() => Simulation.fromLink('')),
      numberLink: attempt(() => Simulation.fromLink(42)),
      nullLink: attempt(() => Simulation.fromLink(null)),
      objectLink: attempt(() => Simulation.fromLink({ v: 1 })),
      nanStep: attempt(() => ok.step(NaN)),
      negativeStep: attempt(() => ok.step(-1)),
      infiniteStep: attempt(() => ok.step(Infinity)),
      zeroEvents: attempt(() => ok.stepEvents(0)),
      negativeEvents: attempt(() => ok.stepEvents(-1)),
      nanEvents: attempt(() => ok.stepEvents(NaN)),
    };
    // A count past 2^32 is not wrapped to 0 (which would look like "done").
    out.hugeEvents = ok.stepEvents(2 ** 40);
    // Exotic but valid objects run as the plain one does.
    const hashOf = (scenario) => { const sim = new Simulation(scenario); sim.runToEnd(); const h = sim.traceHash(); sim.free(); return h; };
    out.exotic = {
      plain: hashOf(base()),
      proxy: hashOf(new Proxy(base(), {})),
      symbolKey: hashOf({ ...base(), [Symbol('x')]: 1 }),
      typedPositions: hashOf({ ...base(), group: { size: 2, positions: [new Float64Array([0.1, 0.2]), [0.3, 0.4]] } }),
      arrayPositions: hashOf({ ...base(), group: { size: 2, positions: [[0.1, 0.2], [0.3, 0.4]] } }),
    };
    const all = new Simulation(base());
    out.infiniteEvents = { n: all.stepEvents(Infinity), done: all.isDone(), events: all.counters().events };
    all.free();
    // The module still works after all that: no panic poisoned it.
    ok.runToEnd();
    out.after = { done: ok.isDone(), hash: ok.traceHash() };
    ok.free();
    return out;
  });
  for (const [name, res] of Object.entries(r)) {
    if (['after', 'hugeEvents', 'infiniteEvents', 'exotic'].includes(name)) continue;
    assert.ok(res.threw, `${name}: throws`);
    assert.ok(res.isError, `${name}: throws an Error, not a string (${res.message})`);
    assert.doesNotMatch(res.message, /unreachable|RuntimeError|panicked|out of bounds/i, `${name}: no panic`);
    assert.doesNotMatch(res.message, /: Error:/, `${name}: no JS "Error:" in the middle of the message: ${res.message}`);
    assert.ok(res.message.length > 10, `${name}: a message that says something: ${res.message}`);
  }
  assert.equal(r.exotic.proxy, r.exotic.plain);
  assert.equal(r.exotic.symbolKey, r.exotic.plain);
  assert.equal(r.exotic.typedPositions, r.exotic.arrayPositions);
  assert.equal(r.getter.message, 'network: reading it threw: boom');
  assert.equal(r.nestedGetter.message, 'group.sender: reading it threw: nope');
  assert.match(r.thrownString.message, /^\w+: reading it threw: a string$/);
  assert.equal(r.proxyKeys.message, 'scenario: reading it threw: keys');
  assert.match(r.hugeGroup.message, /^group\.size/);
  assert.match(r.hugeGroup.message, /1000000000/);
  assert.match(r.hugeGroup.message, /mcast run/, 'points to the CLI for big groups');
  assert.match(r.hugeGroupText.message, /^group\.size.*mcast run/);
  assert.match(r.nanLoss.message, /^network\.loss/);
  assert.match(r.nanLoss.message, /NaN/);
  assert.match(r.lossText.message, /^network\.loss/);
  assert.match(r.typo.message, /^netwrok: unknown field `netwrok`/, 'a typo is an error, as in a file');
  assert.match(r.nestedTypo.message, /^group\.sise: unknown field `sise`, expected one of/);
  assert.match(r.stringSize.message, /^group\.size: invalid type: string "ten", expected u32$/);
  assert.match(r.negativeSize.message, /^group\.size/);
  assert.match(r.badKind.message, /^protocol/);
  assert.match(r.badKind.message, /telepathy/);
  assert.match(r.version.message, /^version/);
  assert.match(r.tooManyPackets.message, /^workload\.messages.*mcast run/);
  assert.match(r.nullScenario.message, /^scenario: .*got null/);
  assert.match(r.undefinedScenario.message, /^scenario: .*got undefined/);
  assert.match(r.number.message, /scenario.*number/);
  assert.match(r.array.message, /scenario.*array/);
  assert.match(r.cyclic.message, /refers to itself/);
  assert.match(r.deep.message, /nested/);
  assert.match(r.garbageLink.message, /damaged/);
  assert.match(r.truncatedLink.message, /damaged/);
  assert.match(r.oldLink.message, /version/);
  assert.match(r.notALink.message, /not a playground link/);
  assert.match(r.emptyLink.message, /^share link/);
  assert.match(r.numberLink.message, /^share link: .*string.*number/);
  assert.match(r.nullLink.message, /^share link: .*null/);
  assert.match(r.objectLink.message, /^share link: .*object/);
  assert.match(r.zeroEvents.message, /^stepEvents/);
  assert.match(r.negativeEvents.message, /^stepEvents/);
  assert.match(r.nanEvents.message, /^stepEvents/);
  assert.ok(r.hugeEvents > 0, `stepEvents(2 ** 40) processed ${r.hugeEvents} events`);
  assert.ok(r.infiniteEvents.done && r.infiniteEvents.n === r.infiniteEvents.events, `stepEvents(Infinity) runs to the end: ${JSON.stringify(r.infiniteEvents)}`);
  assert.match(r.nanStep.message, /^step/);
  assert.match(r.negativeStep.message, /^step/);
  assert.deepEqual(r.after.done, true);
  assert.match(r.after.hash, /^[0-9a-f]{16}$/);
  assert.deepEqual(page.errors, [], 'no panic or error in the console');
});

test('the Web Worker runs a scenario off the main thread to the CLI\'s trace hash', async () => {
  const files = ['centralized-acks.json', 'churn.json', 'bursty-loss.json'];
  const texts = files.map((f) => readFileSync(join(scenarioDir, f), 'utf8'));
  const r = await page.evaluate(async (texts) => {
    const js = document.querySelector('link[rel="modulepreload"]').href;
    const wasm = document.querySelector('link[rel="preload"][as="fetch"]').href;
    const worker = new Worker('/worker.js', { type: 'module' });
    const messages = [];
    const workerErrors = [];
    worker.onerror = (e) => workerErrors.push(String(e.message ?? e));
    const finished = new Map();
    const waiters = new Map();
    worker.onmessage = (e) => {
      messages.push(e.data);
      if (e.data.type === 'done' || e.data.type === 'error') {
        finished.set(e.data.id, e.data);
        waiters.get(e.data.id)?.(e.data);
      }
    };
    const result = (id) => new Promise((ok, fail) => {
      if (finished.has(id)) return ok(finished.get(id));
      waiters.set(id, ok);
      setTimeout(() => fail(new Error(`worker: no answer for run ${id}: ${JSON.stringify(messages.slice(-3))} ${workerErrors}`)), 60000);
    });
    // The first message carries the module's URLs; later ones may leave them out.
    worker.postMessage({ type: 'run', id: 1, js, wasm, scenario: texts[0], sliceEvents: 500 });
    worker.postMessage({ type: 'run', id: 2, scenario: JSON.parse(texts[1]) });
    worker.postMessage({ type: 'run', id: 3, scenario: texts[2], sliceEvents: 1000 });
    worker.postMessage({ type: 'run', id: 4, scenario: { version: 1, seed: 1, group: { size: 10 }, network: { loss: 2 }, protocol: { kind: 'centralized' } } });
    worker.postMessage({ type: 'run', id: 5, scenario: { version: 1, seed: 1, group: { size: 1e9 }, protocol: { kind: 'centralized' } } });
    worker.postMessage({ type: 'launch', id: 6 });
    // After the errors the worker still runs scenarios.
    worker.postMessage({ type: 'run', id: 7, scenario: texts[0] });
    // A slice of 0 events would never make progress: refused, not reported as done.
    worker.postMessage({ type: 'run', id: 8, scenario: texts[0], sliceEvents: 0 });
    const out = {};
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8]) out[id] = await result(id);
    out.progress = messages.filter((m) => m.type === 'progress' && m.id === 1).map((m) => m.counters);
    out.order = messages.filter((m) => m.type !== 'progress').map((m) => m.id);
    out.workerErrors = workerErrors;
    worker.terminate();
    return out;
  }, texts);
  for (const [i, file] of files.entries()) {
    const cliOut = cliReport(file);
    const m = r[i + 1];
    assert.equal(m.type, 'done', `${file}: ${JSON.stringify(m).slice(0, 300)}`);
    assert.equal(m.traceHash, cliOut.trace_hash, `${file}: worker vs CLI trace hash`);
    assert.deepEqual(m.metrics, cliOut, `${file}: worker vs CLI report`);
  }
  assert.equal(r[7].type, 'done');
  assert.equal(r[7].traceHash, r[1].traceHash, 'the same scenario twice in one worker');
  // Progress after every slice: events climb by at most the slice.
  assert.ok(r.progress.length > 2, `several progress messages: ${r.progress.length}`);
  for (let i = 1; i < r.progress.length; i++) {
    const d = r.progress[i].events - r.progress[i - 1].events;
    assert.ok(d > 0 && d <= 500, `progress ${i}: ${d} more events`);
    assert.ok(r.progress[i].nowMs >= r.progress[i - 1].nowMs);
  }
  assert.equal(r.progress.at(-1).deliveries, r[1].metrics.deliveries);
  assert.equal(r[4].type, 'error');
  assert.match(r[4].message, /^network\.loss/);
  assert.equal(r[5].type, 'error');
  assert.match(r[5].message, /^group\.size.*mcast run/);
  assert.equal(r[6].type, 'error');
  assert.match(r[6].message, /unknown message type "launch"/);
  assert.equal(r[8].type, 'error');
  assert.match(r[8].message, /^stepEvents: max must be a number of events ≥ 1, got 0/);
  assert.deepEqual(r.order, [1, 2, 3, 4, 5, 6, 7, 8], 'one run at a time, in the order asked');
  assert.deepEqual(r.workerErrors, []);
  assert.deepEqual(page.errors, []);
});

test('a worker whose first message lacks the module URLs answers with an error', async () => {
  const r = await page.evaluate(async () => {
    const worker = new Worker('/worker.js', { type: 'module' });
    const msg = await new Promise((ok) => {
      worker.onmessage = (e) => ok(e.data);
      worker.postMessage({ type: 'run', id: 'x', scenario: '{}' });
    });
    worker.terminate();
    return msg;
  });
  assert.equal(r.type, 'error');
  assert.equal(r.id, 'x');
  assert.match(r.message, /js.*wasm/);
  assert.deepEqual(page.errors, []);
});

test('recordSeries() puts the time series in metrics(); chart() sums it into columns; counters() has made / owed', async () => {
  const scenario = JSON.parse(readFileSync(join(scenarioDir, 'churn.json'), 'utf8'));
  const out = await page.evaluate((s) => {
    const sim = new window.wasmBindings.Simulation(s);
    const before = sim.chart(10);
    const width = sim.recordSeries(5);
    let bad = null;
    try { sim.recordSeries(Number.NaN); } catch (e) { bad = e.message; }
    sim.step(200);
    const early = sim.chart(10);
    sim.runToEnd();
    const r = { before, width, bad, early, chart: sim.chart(40), counters: sim.counters(), metrics: sim.metrics() };
    sim.free();
    return r;
  }, scenario);
  assert.equal(out.before, null, 'no chart without recordSeries()');
  assert.ok(out.width >= 5, `bucket width ${out.width}`);
  assert.match(out.bad, /^bucketMs: /);
  assert.ok(out.early.deliveries.length <= 10 && out.early.columnMs >= 5);
  const sum = (a) => a.reduce((x, y) => x + y, 0);
  const series = out.metrics.series;
  assert.ok(series, 'metrics() carries the series');
  assert.equal(sum(series.deliveries), out.counters.deliveries, 'every first delivery is in the series');
  assert.ok(out.chart.deliveries.length <= 40);
  assert.equal(sum(out.chart.deliveries), sum(series.deliveries), 'the chart sums the same buckets');
  assert.equal(sum(out.chart.sent.data), sum(series.sent.data.slice(0, out.chart.deliveries.length * out.chart.columnMs / series.bucket_ms)));
  assert.equal(out.counters.made, out.metrics.deliveries);
  assert.equal(out.counters.owed, out.metrics.expected_deliveries);
});
