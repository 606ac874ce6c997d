// The node inspector speaks plainly for every family: an attacker says so in the panel and the
// hover tooltip, and no pending timer of an RMTP or gossip node reads like code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, finish, root, loadScenario, nodePoint } from './harness.mjs';

const AXE = join(root, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js');

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** A scenario of `size` nodes 10 ms apart, no loss, node 0 sending `messages`, running `protocol`. */
function scenario(size, protocol, messages, extra = {}) {
  return {
    version: 2, seed: 1,
    group: { size, sender: 0, layout: 'disk' },
    network: { latency_ms: 10, distance_ms: 0, jitter_ms: 0, loss: 0 },
    protocol,
    workload: { messages, size_bytes: 1000, interval_ms: 100 },
    duration_ms: 3000,
    ...extra,
  };
}

/** Runs to `ms` of simulated time with the toolbar's "Run until". */
async function runUntil(page, ms) {
  await page.fill('#until-ms', String(ms));
  await page.dispatchEvent('#until-ms', 'change');
  await page.waitForFunction((t) => document.querySelector('#sim-time').textContent.startsWith(String(t)), ms);
}

/** Clicks node `n` and waits for the inspector to show it. */
async function inspect(page, s, n) {
  const [x, y] = await nodePoint(page, s, n);
  await page.mouse.click(x, y);
  await page.waitForFunction((m) => document.querySelector('#inspector')?.dataset.node === String(m), n);
}

const text = (page, sel) => page.textContent(sel).then((t) => t.trim());
const timers = (page) => page.$$eval('#inspect-timers li', (els) => els.map((e) => e.textContent.trim()));

test('an attacker says so in the inspector and its tooltip; an honest node does not', async () => {
  const page = await openPage(browser, server.url);
  const s = scenario(12, { kind: 'gossipsub' }, 3, { attackers: { fraction: 0.3, from_ms: 0 } });
  await loadScenario(page, s);
  await finish(page);
  const marked = Number(await page.getAttribute('#stage', 'data-attackers'));
  const attackers = [];
  for (let n = 0; n < 12; n++) {
    await inspect(page, s, n);
    const badge = await page.$('#inspect-attacker');
    const fact = await page.$('#inspect-fact-attacker');
    assert.equal(Boolean(badge), Boolean(fact), `node ${n}: the badge and the fact agree`);
    if (badge) attackers.push(n);
  }
  assert.ok(attackers.length > 0 && attackers.length === marked, `inspected attackers ${attackers} of ${marked} marked`);
  assert.ok(!attackers.includes(0), 'the sender never attacks');
  const a = attackers[0];
  await inspect(page, s, a);
  assert.equal(await text(page, '#inspect-attacker'), 'attacker');
  assert.equal(await text(page, '#inspect-fact-attacker'), 'withholds the payload it should forward, from 0 ms');
  assert.ok(Number(await text(page, '#inspect-withheld')) > 0, 'it withheld something');
  await screenshot(page, 'words-attacker');
  // The badge's colours pass the accessibility audit.
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document.querySelector('#inspector'))).violations
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
  assert.deepEqual(violations, []);
  const [x, y] = await nodePoint(page, s, a);
  await page.mouse.move(x, y);
  await page.waitForSelector('#node-tooltip');
  assert.equal(await text(page, '#tooltip-attacker'), 'attacker: withholds the payload it should forward');
  const [hx, hy] = await nodePoint(page, s, 0);
  await page.mouse.move(hx, hy);
  await page.waitForFunction(() => /^node 0 · /.test(document.querySelector('#node-tooltip')?.textContent ?? ''));
  assert.equal(await page.$('#tooltip-attacker'), null, 'the sender is honest');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('RMTP and gossip timers are said in words, none like code', async () => {
  const page = await openPage(browser, server.url);
  const cases = [
    [scenario(9, { kind: 'rmtp', dr_count: 2 }, 1), 30, 1, /^round: send its status \(next wanted: seq 1\) to its designated receiver, node \d+$/],
    [scenario(9, { kind: 'rmtp', dr_count: 2 }, 1), 30, 0, /^round: tell the designated receivers it has sent 1 packet\(s\)/],
    [scenario(6, { kind: 'gossip', mode: 'push', fanout: 2, period_ms: 100, spread: 'rounds', rounds: 3 }, 1), 20, 1,
      /^gossip period: push m0 to 2 random member\(s\)$/],
    [scenario(6, { kind: 'gossip', peers: 'cyclon', view_size: 3, shuffle_length: 2 }, 1), 20, 0,
      /^Cyclon shuffle: swap 2 view entries with node \d+, the oldest in its view$/],
  ];
  for (const [s, ms, n, want] of cases) {
    await loadScenario(page, s);
    await runUntil(page, ms);
    await inspect(page, s, n);
    const lines = await timers(page);
    const what = lines.map((l) => l.replace(/^[\d.]+ ms: /, ''));
    assert.ok(what.some((w) => want.test(w)), `${s.protocol.kind} node ${n} at ${ms} ms: ${lines.join(' | ')}`);
    for (const w of what) assert.doesNotMatch(w, /[{}]|::|Timer|Tick\b|Envelope/, `${s.protocol.kind} node ${n}`);
  }
  await screenshot(page, 'words-gossip-timers');
  assert.deepEqual(page.errors, []);
  await page.close();
});
