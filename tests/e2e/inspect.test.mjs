// The node inspector, its crash button, the sequence diagram and keyboard selection on the real
// page: values checked against the engine's JS API, a crash replayed from its share link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, setControl, finish, root, loadScenario, nodePoint } from './harness.mjs';

const AXE = join(root, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js');

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A scenario of `size` nodes 5 ms apart (plus distance) running `protocol`. */
function scenario(size, protocol, extra = {}) {
  return {
    version: 2, seed: 1,
    group: { size, sender: 0, layout: 'disk' },
    network: { latency_ms: 5, distance_ms: 10, jitter_ms: 0, loss: 0 },
    protocol,
    workload: { messages: 1, size_bytes: 1000, interval_ms: 100 },
    duration_ms: 3000,
    ...extra,
  };
}

/** Clicks node `n` of `s` on the canvas, then waits for the inspector to show node `expect`. */
async function clickNode(page, s, n, shift = false, expect = n) {
  const [x, y] = await nodePoint(page, s, n);
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.click(x, y);
  if (shift) await page.keyboard.up('Shift');
  await page.waitForFunction((m) => document.querySelector('#inspector')?.dataset.node === String(m), expect);
}

const text = (page, sel) => page.textContent(sel).then((t) => t.trim());

test('the missing list empties as repairs arrive while the holds grow (tree, 30 % loss)', async () => {
  const page = await openPage(browser, server.url);
  const s = scenario(15, { kind: 'tree', fanout: 2, topology: 'heap', reliability: 'nak' },
    { network: { latency_ms: 5, distance_ms: 10, jitter_ms: 0, loss: 0.3 }, seed: 3,
      workload: { messages: 5, size_bytes: 1000, interval_ms: 20 } });
  await loadScenario(page, s);
  await clickNode(page, s, 14); // a leaf, three hops below the root
  assert.equal(await text(page, '#inspect-missing'), 'none', 'nothing sent yet');
  assert.equal(await text(page, '#inspect-link-parent'), '6');
  await setControl(page, '#speed', '0.25');
  await page.click('#play');
  const seen = new Set();
  for (let i = 0; i < 200; i++) {
    seen.add(await text(page, '#inspect-missing'));
    if ((await text(page, '#inspect-holds')) === 'm0, m1, m2, m3, m4') break;
    await page.waitForTimeout(50);
  }
  await screenshot(page, 'inspect-tree-leaf');
  assert.ok([...seen].some((m) => m !== 'none'), `the leaf missed something on the way: ${[...seen]}`);
  assert.equal(await text(page, '#inspect-missing'), 'none');
  assert.equal(await text(page, '#inspect-holds'), 'm0, m1, m2, m3, m4');
  const received = await page.$$eval('#inspect-counts tbody tr', (rows) => Object.fromEntries(rows.map((r) =>
    [r.querySelector('th').textContent.trim(), Number(r.querySelectorAll('td')[1].textContent)])));
  assert.ok(received.REPAIR > 0, `some of what it holds came as a repair: ${JSON.stringify(received)}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('inspector values match the engine: tree parents and children as the JS API says', async () => {
  const page = await openPage(browser, server.url);
  const s = scenario(15, { kind: 'tree', fanout: 2, topology: 'heap', reliability: 'nak' });
  await loadScenario(page, s);
  await finish(page);
  const up = await page.evaluate((sc) => {
    const sim = new window.wasmBindings.Simulation(sc);
    sim.runToEnd();
    return [...sim.upstreams()];
  }, s);
  for (const n of [1, 5, 12]) {
    await clickNode(page, s, n);
    assert.equal(await text(page, '#inspect-link-parent'), String(up[n]), `node ${n}`);
    assert.equal(await text(page, '#inspect-state'), 'in the tree');
  }
  const kids = up.map((p, i) => [p, i]).filter(([p]) => p === 5).map(([, i]) => i).join(', ');
  await clickNode(page, s, 5);
  assert.equal(await text(page, '#inspect-link-children'), kids);
  await clickNode(page, s, 0);
  assert.equal(await text(page, '#inspect-state'), 'root');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the crash button crashes exactly the inspected node, and the share link replays it', async () => {
  const page = await openPage(browser, server.url);
  const s = scenario(20, { kind: 'centralized', reliable: true },
    { workload: { messages: 20, size_bytes: 1000, interval_ms: 50 } });
  await loadScenario(page, s);
  await setControl(page, '#speed', '0.1');
  await page.click('#play');
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 40);
  await clickNode(page, s, 7);
  await page.click('#inspect-crash');
  await page.waitForFunction(() => document.querySelector('#count-crashed').textContent === '1');
  assert.equal(await text(page, '#inspect-status'), 'crashed');
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.faults.length, 1);
  assert.equal(json.faults[0].node, 7);
  assert.equal(json.faults[0].at_ms, Math.round(json.faults[0].at_ms), 'whole milliseconds');
  assert.ok(await page.isDisabled('#inspect-crash'), 'a crashed node cannot crash again');
  const hash = await finish(page);
  await page.click('#share');
  const other = await openPage(browser, await page.inputValue('#share-link'));
  assert.equal(await finish(other), hash);
  assert.equal(await other.textContent('#count-crashed'), '1');
  assert.deepEqual([...page.errors, ...other.errors], []);
  await page.close();
  await other.close();
});

test('the sequence diagram draws one arrow per packet about the message between its lanes', async () => {
  const page = await openPage(browser, server.url);
  const s = scenario(4, { kind: 'centralized', reliable: true });
  await loadScenario(page, s);
  await finish(page);
  await clickNode(page, s, 1);
  await clickNode(page, s, 2, true);
  await page.waitForFunction(() => document.querySelector('#sequence')?.dataset.lanes === '3');
  // Lanes 0 (the sender), 1 and 2: DATA 0→1, 0→2 and their ACKs; node 3's pair is not drawn.
  assert.equal(await page.getAttribute('#sequence', 'data-arrows'), '4');
  assert.equal(await page.getAttribute('#sequence', 'data-lost'), '0');
  await screenshot(page, 'inspect-sequence');
  // The accessibility audit finds nothing with the inspector and the diagram open.
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(violations, []);
  // Shift-click takes a lane out again.
  await clickNode(page, s, 1, true, 2);
  await page.waitForFunction(() => document.querySelector('#sequence')?.dataset.lanes === '2');
  assert.equal(await page.getAttribute('#sequence', 'data-arrows'), '2');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('keyboard: with the canvas focused, Enter inspects the sender and arrows move the selection', async () => {
  const page = await openPage(browser, server.url);
  const s = scenario(4, { kind: 'centralized' },
    { group: { size: 4, sender: 0, layout: 'disk', positions: [[0.5, 0.5], [0.8, 0.5], [0.5, 0.8], [0.2, 0.5]] } });
  await loadScenario(page, s);
  // The page's own shortcuts listen on the window: the canvas's keys must not reach them.
  await page.evaluate(() => {
    window.keysSeen = [];
    window.addEventListener('keydown', (e) => window.keysSeen.push(e.key));
  });
  await page.focus('#stage');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#inspector')?.dataset.node === '0');
  assert.match(await text(page, '#selection-announce'), /^Node 0 selected/);
  const moves = [['ArrowRight', 1], ['ArrowLeft', 0], ['ArrowLeft', 3], ['ArrowDown', 2], ['ArrowUp', 0]];
  for (const [key, want] of moves) {
    await page.keyboard.press(key);
    await page.waitForFunction((m) => document.querySelector('#inspector')?.dataset.node === String(m), want);
    assert.match(await text(page, '#selection-announce'), new RegExp(`^Node ${want} selected`), key);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'stage', 'focus stays on the canvas');
  assert.deepEqual(await page.evaluate(() => window.keysSeen), [], 'arrows and Enter stop at the canvas');
  await screenshot(page, 'inspect-keyboard');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#inspect-empty');
  assert.equal(await text(page, '#selection-announce'), 'Selection cleared.');
  // Hovering a node shows its tooltip.
  const [hx, hy] = await nodePoint(page, s, 1);
  await page.mouse.move(hx, hy);
  await page.waitForSelector('#node-tooltip');
  assert.match(await text(page, '#node-tooltip'), /^node 1 · /);
  assert.deepEqual(page.errors, []);
  await page.close();
});
