// The real page in headless Chromium: load, animate, controls, share links, bad links.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, counter, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the page loads with no console errors and animates the centralized protocol', async () => {
  const page = await openPage(browser, server.url);
  // Packets leave the sender one after another: the DATA counter climbs while the run plays.
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 0);
  const early = await counter(page, 'count-data');
  await page.waitForTimeout(400);
  await screenshot(page, 'load-animating');
  const later = await counter(page, 'count-data');
  assert.ok(later > early, `DATA counter should climb while playing (${early} then ${later})`);
  // Still running, unless a loaded machine let the 150 ms run finish during the wait.
  assert.match(await page.textContent('#status'), /^(running|done)$/);
  const size = await page.$eval('#stage', (c) => [c.width, c.height]);
  assert.ok(size[0] > 100 && size[1] > 100, `canvas has a real size: ${size}`);
  // The canvas shows nodes: some pixels are the waiting-node or done-node colour.
  const coloured = await page.$eval('#stage', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== 0x0e || d[i + 1] !== 0x14 || d[i + 2] !== 0x20) n++;
    return n;
  });
  assert.ok(coloured > 1000, `nodes are drawn (${coloured} non-background pixels)`);
  await finish(page);
  assert.equal(await counter(page, 'count-data'), 299);
  await screenshot(page, 'load-finished');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('changing the loss rate changes the counters', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#loss', 0);
  await finish(page);
  assert.equal(await counter(page, 'count-lost'), 0);
  assert.equal(await counter(page, 'count-deliveries'), 299);
  await setControl(page, '#loss', 40);
  await finish(page);
  const lost = await counter(page, 'count-lost');
  const delivered = await counter(page, 'count-deliveries');
  assert.ok(lost > 60 && lost < 180, `about 40 % of 299 copies lost, got ${lost}`);
  assert.equal(delivered, 299 - lost, 'without ACKs every lost copy is a missed delivery');
  // With ACKs the same loss is repaired: everyone gets it, and the sender hears the ACKs.
  await setControl(page, '#param-reliable', 'true');
  await finish(page);
  assert.equal(await counter(page, 'count-deliveries'), 299);
  assert.ok(await counter(page, 'count-ack') >= 299);
  assert.ok(await counter(page, 'count-retransmit') > 0);
  await screenshot(page, 'loss-40-with-acks');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a share link round trip replays the same run (same trace hash)', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#param-reliable', 'true');
  await setControl(page, '#loss', 25);
  await setControl(page, '#group-size', 500);
  await setControl(page, '#seed', 123456);
  const hash = await finish(page);
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  assert.match(link, /#v1\.[A-Za-z0-9_-]+$/);
  assert.equal(await page.evaluate(() => location.href), link, 'the address bar holds the link too');

  const other = await openPage(browser, link);
  assert.equal(await other.inputValue('#group-size'), '500');
  assert.equal(await other.inputValue('#loss'), '25');
  assert.equal(await other.inputValue('#seed'), '123456');
  assert.equal(await other.inputValue('#protocol'), 'centralized');
  assert.equal(await other.inputValue('#param-reliable'), 'true');
  assert.equal(await finish(other), hash);
  await screenshot(other, 'share-link-replayed');
  assert.equal(await other.$('#error-banner'), null);
  assert.deepEqual([...page.errors, ...other.errors], []);
  await page.close();
  await other.close();
});

test('a share link made by version 1 opens as made, and the JSON editor shows version 2', async () => {
  // tests/golden_links.txt: the page's scenario with ACKs, 5 % loss and a 0.1 MB/s uplink, made
  // when queues were unlimited; under today's default queue its sender would drop copies.
  const line = readFileSync(join(root, 'tests', 'golden_links.txt'), 'utf8').split('\n').find((l) => l.startsWith('page-slow-uplink '));
  const [, hash, link] = line.split(' ');
  const page = await openPage(browser, `${server.url}#${link}`);
  assert.equal(await finish(page), hash, 'the old link replays the run it was made with');
  assert.equal(await page.$('#error-banner'), null);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.version, 2);
  assert.deepEqual([json.network.uplink_queue_bytes, json.network.downlink_queue_bytes], [0, 0], 'the old unlimited queues, written in');
  assert.equal(await counter(page, 'count-data'), 897, 'three messages to 299 members, none dropped at the sender');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the page and the native CLI compute the same trace hash', async () => {
  const cli = join(root, 'target', 'release', 'mcast');
  assert.ok(existsSync(cli), `build the CLI first: cargo build --release --bin mcast (${cli})`);
  const page = await openPage(browser, server.url);
  await setControl(page, '#param-reliable', 'true');
  await setControl(page, '#loss', 30);
  await setControl(page, '#layout', 'random');
  const hash = await finish(page);
  const json = await page.inputValue('#scenario-json');
  const file = join(mkdtempSync(join(tmpdir(), 'mcast-')), 'scenario.json');
  writeFileSync(file, json);
  const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
  assert.equal(report.trace_hash, hash, 'wasm in Chromium and native x86-64 must agree bit for bit');
  assert.equal(String(report.packets.ack), String(await counter(page, 'count-ack')));
  await page.close();
});

test('a malformed or outdated link shows an error banner over the default scenario', async () => {
  for (const [fragment, words] of [['v1.%%%not-base64', /damaged/], ['v1.AAAA', /damaged/], ['v0.abc', /another version/], ['hello', /not a playground link/]]) {
    const page = await openPage(browser, `${server.url}#${fragment}`);
    const banner = await page.waitForSelector('#error-banner');
    const text = await banner.textContent();
    assert.match(text, /share link/);
    assert.match(text, words);
    assert.match(text, /default scenario/);
    // The default scenario runs underneath.
    assert.equal(await page.inputValue('#group-size'), '300');
    await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 0);
    if (fragment === 'v0.abc') await screenshot(page, 'outdated-link-banner');
    assert.deepEqual(page.errors, [], `no panic or console error for #${fragment}`);
    await page.close();
  }
});

test('a bad value in a control names the field and keeps the scenario', async () => {
  const page = await openPage(browser, server.url);
  const before = await finish(page);
  await setControl(page, '#group-size', 50000000);
  const text = await (await page.waitForSelector('#error-banner')).textContent();
  assert.match(text, /group\.size/);
  assert.match(text, /mcast run/, 'suggests the CLI for groups too large for the browser');
  assert.match(text, /unchanged/);
  assert.equal(await page.textContent('#trace-hash'), before, 'the running scenario is untouched');
  await screenshot(page, 'bad-group-size');
  await page.click('details.json summary');
  await page.fill('#scenario-json', '{"version": 1, "seed": 1, "group": {"size": 10}, "network": {"loss": 7}, "protocol": {"kind": "centralized"}}');
  await page.click('#apply-json');
  await page.waitForFunction(() => document.querySelector('#error-banner')?.textContent.includes('network.loss'));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a refused edit puts the control back to what runs, and the banner says why', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 20000);
  await page.waitForFunction(() => document.querySelector('#group-size').value === '20000');
  const before = await finish(page);
  // SRM at 20,000 members over application-level multicast passes the page's budget.
  await setControl(page, '#protocol', 'srm');
  const text = await (await page.waitForSelector('#error-banner')).textContent();
  assert.match(text, /unchanged/);
  assert.equal(await page.inputValue('#protocol'), 'centralized', 'the picker shows the protocol that runs');
  assert.equal(await page.inputValue('#group-size'), '20000');
  assert.equal(await page.textContent('#trace-hash'), before, 'the running scenario is untouched');
  // A refused number goes back too.
  await setControl(page, '#group-size', 50000000);
  await page.waitForFunction(() => document.querySelector('#error-banner')?.textContent.includes('group.size'));
  assert.equal(await page.inputValue('#group-size'), '20000');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a loading line shows until the WebAssembly runs, then goes', async () => {
  const html = await (await fetch(server.url)).text();
  assert.match(html, /id="loading"[^>]*>Loading the playground/, 'the page says it is loading before any script runs');
  const page = await openPage(browser, server.url);
  await page.waitForSelector('#play');
  assert.equal(await page.$('#loading'), null, 'gone once the app is mounted');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('keyboard: Space pauses and resumes, End runs the rest, R resets; keys typed in a field stay there', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#speed', '0.02');
  await page.evaluate(() => document.activeElement?.blur());
  const label = () => page.textContent('#play');
  assert.equal((await label()).trim(), 'Pause');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Play');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Pause');
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() === 'Replay');
  const done = Number.parseInt(await page.textContent('#count-data'), 10);
  assert.ok(done > 0, 'the run went to its end');
  await page.keyboard.press('r');
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() !== 'Replay');
  assert.ok(Number.parseInt(await page.textContent('#count-data'), 10) < done, 'R restarts from time zero');
  // A space typed into the JSON editor is text, not a pause.
  await page.click('details.json summary');
  await page.focus('#scenario-json');
  const before = (await label()).trim();
  await page.keyboard.press('Space');
  assert.equal((await label()).trim(), before);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('clicking a node inspects it, its crash button crashes it, and a share link replays the crash', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#speed', '0.02');
  // In the default disk layout the sender sits at the centre of the canvas.
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 5);
  const box = await (await page.$('#stage')).boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForFunction(() => document.querySelector('#inspector')?.dataset.node === '0');
  assert.equal(await page.textContent('#count-crashed'), '0', 'a click only selects');
  await page.click('#inspect-crash');
  await page.waitForFunction(() => document.querySelector('#count-crashed').textContent === '1');
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.faults.length, 1);
  assert.equal(json.faults[0].node, 0, 'the click hit the sender');
  const hash = await finish(page);
  const delivered = await counter(page, 'count-deliveries');
  assert.ok(delivered > 0 && delivered < 299, `a crashed sender stops its loop: ${delivered} of 299`);
  await screenshot(page, 'sender-crashed');
  await page.click('#share');
  const other = await openPage(browser, await page.inputValue('#share-link'));
  assert.equal(await finish(other), hash);
  assert.equal(await counter(other, 'count-deliveries'), delivered);
  assert.equal(await other.textContent('#count-crashed'), '1');
  assert.deepEqual([...page.errors, ...other.errors], []);
  await page.close();
  await other.close();
});

test('the parameter editor shows each parameter with its default and source, and names a bad one', async () => {
  const page = await openPage(browser, server.url);
  const doc = await page.textContent('#param-ack_timeout_ms + .param-doc');
  assert.match(doc, /^Time from a round of sends to the next round/, 'the explanation first');
  assert.match(doc, /Default 250 · RFC 6298/, 'then the default and the source');
  await setControl(page, '#param-reliable', 'true');
  await setControl(page, '#param-max_retries', 3);
  assert.equal(await page.inputValue('#param-max_retries'), '3');
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.protocol.max_retries, 3, 'the edit reaches the scenario');
  const before = await finish(page);
  await setControl(page, '#param-ack_timeout_ms', -5);
  const text = await (await page.waitForSelector('#error-banner')).textContent();
  assert.match(text, /protocol\.ack_timeout_ms/);
  assert.match(text, /unchanged/);
  assert.equal(await page.textContent('#trace-hash'), before, 'the scenario the user built is kept');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a gallery preset loads, says what it shows, and runs', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'ack-implosion.json');
  await page.waitForFunction(() => document.querySelector('#subtitle').textContent.includes('ACK implosion'));
  assert.match(await page.textContent('#preset-shows'), /downlink/);
  assert.equal(await page.inputValue('#group-size'), '1500');
  await finish(page);
  assert.ok(await counter(page, 'count-dropped-queue') > 1000, 'ACKs are dropped at the sender');
  assert.ok(await counter(page, 'count-retransmit') > 1000, 'and it retransmits what was delivered');
  await screenshot(page, 'preset-ack-implosion');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('RMTP runs in the page: status to the designated receivers, local repairs, region lines drawn', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#protocol', 'rmtp');
  assert.equal(await page.inputValue('#param-dr_count'), '8', 'the editor shows RMTP parameters with defaults');
  await setControl(page, '#loss', 10);
  await setControl(page, '#param-dr_count', 5);
  await page.waitForTimeout(300);
  // Receivers draw a line to their DR: some canvas pixels are neither background nor a node.
  await screenshot(page, 'rmtp-running');
  await finish(page);
  assert.equal(await counter(page, 'count-deliveries'), 299, 'every receiver gets the message');
  assert.ok(await counter(page, 'count-status') > 0, 'receivers send STATUS');
  assert.ok(await counter(page, 'count-repair') > 0, 'DRs repair locally');
  assert.equal(JSON.parse(await page.inputValue('#scenario-json')).protocol.dr_count, 5);
  await screenshot(page, 'rmtp-finished');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the tree preset: a crash near the root, orphans re-attach and every survivor gets every message', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'tree-root-crash.json');
  await page.waitForFunction(() => document.querySelector('#subtitle').textContent.includes('Binary tree'));
  assert.equal(await page.inputValue('#protocol'), 'tree');
  assert.equal(await page.inputValue('#param-fanout'), '2');
  await setControl(page, '#speed', '1');
  // Play until the crash has been noticed and orphans re-attached: JOINs are counted.
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-join')?.textContent ?? '0', 10) > 0, null, { timeout: 30000 });
  await screenshot(page, 'tree-reattaching');
  await finish(page);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  const report = await page.evaluate((s) => {
    const sim = new window.wasmBindings.Simulation(s);
    sim.runToEnd();
    const m = sim.metrics();
    sim.free();
    return m;
  }, json);
  assert.equal(report.delivered_ratio, 1, 'every surviving node gets every message');
  assert.ok(await counter(page, 'count-heartbeat') > 0 && await counter(page, 'count-nak') > 0);
  assert.equal(await page.textContent('#trace-hash'), report.trace_hash, 'the page and the API agree');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('NAK implosion next to SRM: the same loss costs far fewer requests with suppression', async () => {
  const page = await openPage(browser, server.url);
  const naks = {};
  for (const preset of ['nak-implosion.json', 'srm-suppression.json']) {
    await setControl(page, '#preset', preset);
    await page.waitForFunction((p) => document.querySelector('#preset').value === p, preset);
    assert.equal(await page.inputValue('#protocol'), 'srm');
    await finish(page);
    naks[preset] = await counter(page, 'count-nak');
    assert.ok(await counter(page, 'count-session') > 0, `${preset}: session messages measure distances`);
    assert.ok(await counter(page, 'count-repair') > 0, `${preset}: repairs`);
    await screenshot(page, `preset-${preset.replace('.json', '')}`);
  }
  assert.ok(naks['nak-implosion.json'] > 5 * naks['srm-suppression.json'], `suppression cuts requests: ${JSON.stringify(naks)}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a large tree is drawn in pixels with its upper levels as edges under the nodes', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#protocol', 'tree');
  await setControl(page, '#group-size', 3000);
  await page.waitForTimeout(400);
  // The pixel renderer writes edges in one exact colour: EDGE_COLOUR at 35 % over the background.
  const edgePixels = await page.evaluate(() => {
    const c = document.querySelector('#stage');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 58 && d[i + 1] === 69 && d[i + 2] === 89) n++;
    return { n, all: d.length / 4 };
  });
  await screenshot(page, 'tree-3000-pixels');
  assert.ok(edgePixels.n > 2000, `tree edges drawn: ${JSON.stringify(edgePixels)}`);
  assert.ok(edgePixels.n < edgePixels.all / 4, `edges thinned to a skeleton, not a hairball: ${JSON.stringify(edgePixels)}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the chart shows packets by kind as the run goes, and the results agree with the engine', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#param-reliable', 'true');
  await setControl(page, '#loss', 10);
  await setControl(page, '#messages', 5);
  assert.match(await page.textContent('#results'), /When the run is over/, 'no results before the end');
  await page.waitForTimeout(500);
  const colours = async () => page.evaluate(() => {
    const c = document.querySelector('#chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const count = { data: 0, ack: 0, done: 0 };
    for (let i = 0; i < d.length; i += 4) {
      const [r, g, b] = [d[i], d[i + 1], d[i + 2]];
      if (r === 0x15 && g === 0x83 && b === 0xcf) count.data++;
      if (r === 0xff && g === 0xdf && b === 0x11) count.ack++;
      if (r === 0x34 && g === 0xc7 && b === 0x59) count.done++;
    }
    return count;
  });
  const early = await colours();
  assert.ok(early.data > 50, `DATA bars while running: ${JSON.stringify(early)}`);
  await finish(page);
  const late = await colours();
  assert.ok(late.data > 50 && late.ack > 50 && late.done > 20, `DATA and ACK bars and the deliveries line: ${JSON.stringify(late)}`);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  const m = await page.evaluate((s) => {
    const sim = new window.wasmBindings.Simulation(s);
    sim.runToEnd();
    const r = sim.metrics();
    sim.free();
    return r;
  }, json);
  assert.equal(await page.textContent('#result-delivered'), `${(m.delivered_ratio * 100).toFixed(1)} % of ${m.expected_deliveries.toLocaleString('en-US')}`);
  assert.equal(await page.textContent('#result-rmr'), m.rmr.toFixed(3));
  assert.match(await page.textContent('#result-implosion'), new RegExp(`^${m.implosion.packets.toLocaleString('en-US')} at node ${m.implosion.node}$`));
  assert.match(await page.textContent('#result-latency'), /^\d+(\.\d)? ms \/ \d+(\.\d)? ms$/);
  await screenshot(page, 'chart-and-results');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('native multicast: SRM packets leave once, and messages complete sooner than with a copy per member', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#protocol', 'srm');
  await setControl(page, '#loss', 10);
  await setControl(page, '#messages', 3);
  const p50 = {};
  for (const mode of ['unicast', 'native']) {
    await setControl(page, '#multicast', mode);
    const json = JSON.parse(await page.inputValue('#scenario-json'));
    assert.equal(json.network.native_multicast ?? false, mode === 'native');
    await finish(page);
    assert.match(await page.textContent('#result-delivered'), /^100\.0 %/, `${mode}: SRM delivers everything`);
    p50[mode] = Number.parseFloat((await page.textContent('#result-completion')).split('/')[0]);
    await screenshot(page, `srm-${mode}-multicast`);
  }
  assert.ok(p50.native < 0.8 * p50.unicast, `completion p50 (ms): ${JSON.stringify(p50)}`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('compare protocols: the same scenario under five families by default, side by side, yours highlighted', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 200);
  await setControl(page, '#loss', 10);
  await setControl(page, '#messages', 2);
  await page.click('#compare-all');
  await page.click('#compare-finish');
  await page.waitForSelector('#compare[data-done="true"]', { timeout: 60000 });
  const table = await page.$$eval('#compare tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  const head = table[0].slice(1);
  // The first families in the page's order; the epidemic families' columns follow.
  assert.deepEqual(head.slice(0, 5).map((h) => h.replace(' (yours)', '')), ['centralized', 'centralized with ACKs', 'tree with hop-by-hop NAKs', 'SRM', 'RMTP']);
  assert.ok(head[0].endsWith('(yours)'), `the user's protocol is marked: ${head}`);
  const delivered = table.find((r) => r[0] === 'Delivered').slice(1);
  assert.ok(!delivered[0].startsWith('100.0'), `centralized without ACKs loses about 10 %: ${delivered}`);
  for (const d of delivered.slice(1, 5)) assert.match(d, /^100\.0 % of 398$/, `every reliable protocol delivers everything: ${delivered}`);
  await screenshot(page, 'compare-all');
  // The user's column is the run the page itself makes.
  await page.click('#compare-close');
  assert.equal(await page.$('#compare'), null);
  await finish(page);
  assert.equal(await page.textContent('#result-delivered'), delivered[0]);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('rounds mode: the page counts rounds as the run animates and says what a round is', async () => {
  const page = await openPage(browser, server.url);
  assert.equal(await page.$('#round'), null, 'no round counter in the event-driven mode');
  await setControl(page, '#preset', 'rounds.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'rounds.json');
  await setControl(page, '#speed', '0.25');
  assert.match(await page.textContent('#round-hint'), /round k arrives at the start of round k \+ 1.*50 ms/);
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#round')?.textContent ?? '0', 10) >= 2);
  // The counter is simulated time over the 50 ms round, rounded down: read both in one render.
  const [round, ms, overlay] = await page.evaluate(() => ['#round', '#sim-time', '#stage-round'].map((s) => document.querySelector(s).textContent));
  assert.equal(Number(round), Math.floor(Number.parseFloat(ms) / 50), `round ${round} at ${ms}`);
  assert.equal(overlay, `round ${round}`, 'the stage shows the round too');
  await page.waitForFunction((r) => Number(document.querySelector('#round').textContent) > r, Number(round));
  await screenshot(page, 'rounds-counter');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the results show the report\'s epidemic measures, each explained, and the delivery histogram', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'rounds.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'rounds.json');
  await finish(page);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  const m = await page.evaluate((s) => {
    const sim = new window.wasmBindings.Simulation(s);
    sim.runToEnd();
    const r = sim.metrics();
    sim.free();
    return r;
  }, json);
  const e = m.epidemic;
  assert.equal(e.unit, 'rounds');
  assert.equal(await page.textContent('#result-residue'), e.residue.toFixed(3));
  assert.equal(await page.textContent('#result-traffic'), e.traffic.toFixed(2));
  assert.equal(await page.textContent('#result-t_ave'), `${e.t_ave.toFixed(2)} rounds`);
  assert.equal(await page.textContent('#result-t_last'), `${e.t_last.toFixed(2)} rounds`);
  // Three messages: the histogram of their delivery fractions, one bar per tenth.
  assert.equal(await page.getAttribute('#result-histogram', 'data-counts'), e.delivery_histogram.join(','));
  assert.equal((await page.$$('#result-histogram .bar')).length, 10);
  // Every figure says what it is.
  const untitled = await page.$$eval('#results dt', (dts) => dts.filter((d) => !d.title).map((d) => d.textContent));
  assert.deepEqual(untitled, [], 'every figure has a tooltip');
  assert.match(await page.getAttribute('#result-residue', 'title'), /never reached/);
  // In the event-driven mode times are in ms, and one message has no histogram.
  await setControl(page, '#preset', 'ack-implosion.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'ack-implosion.json');
  await setControl(page, '#messages', 1);
  await finish(page);
  assert.match(await page.textContent('#result-t_last'), /^\d+(\.\d)? ms$/);
  assert.equal(await page.$('#result-histogram'), null);
  await screenshot(page, 'results-epidemic');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the chart legend names what the line measures, and no model for a family without one', async () => {
  const page = await openPage(browser, server.url);
  assert.match(await page.textContent('#chart-measured'), /fraction of live members holding the message/);
  assert.equal(await page.$('#chart-model'), null, 'centralized has no epidemic model: no dashed curve, no word of one');
  await setControl(page, '#messages', 3);
  assert.match(await page.textContent('#chart-measured'), /deliveries made, as a fraction of those owed/);
  assert.doesNotMatch(await page.textContent('#legend'), /infective/, 'no epidemic states for centralized');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('every epidemic preset replays the same run twice in the page, and the native CLI agrees', async () => {
  const cli = join(root, 'target', 'release', 'mcast');
  assert.ok(existsSync(cli), `build the CLI first: cargo build --release --bin mcast (${cli})`);
  const page = await openPage(browser, server.url);
  const presets = ['rounds.json', 'gossip-rounds.json', 'gossip.json', 'gossip-push.json', 'gossip-vs-acks.json',
    'rumor.json', 'rumor-backstop.json', 'pbcast.json', 'pbcast-bimodal.json', 'swim-crash.json'];
  for (const preset of presets) {
    const hashes = [];
    for (let i = 0; i < 2; i++) {
      await setControl(page, '#preset', 'partition.json');
      await setControl(page, '#preset', preset);
      await page.waitForFunction((p) => document.querySelector('#preset').value === p, preset);
      hashes.push(await finish(page));
    }
    const report = JSON.parse(execFileSync(cli, ['run', join(root, 'scenarios', preset)], { encoding: 'utf8' }));
    assert.deepEqual(hashes, [report.trace_hash, report.trace_hash], `${preset}: page twice, then the CLI`);
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('rumor mongering: nodes coloured susceptible, infective, removed; the model drawn dashed beside the measured curve', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'rumor.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'rumor.json');
  await setControl(page, '#speed', '1');
  const legend = await page.textContent('#legend');
  for (const state of ['susceptible', 'infective', 'removed']) assert.match(legend, new RegExp(state), `legend names ${state}`);
  assert.match(await page.textContent('#chart-model'), /^model: \S/, 'the model is named under the chart');
  // Mid-spread some nodes are infective: counted, and drawn in the infective colour.
  await page.waitForFunction(() => Number(document.querySelector('#count-infective').textContent) > 20);
  // Pixels within `tolerance` of a colour in every channel (lines are anti-aliased).
  const pixels = async (sel, rgb, tolerance = 0) => page.$eval(sel, (c, [[r, g, b], tol]) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - r) <= tol && Math.abs(d[i + 1] - g) <= tol && Math.abs(d[i + 2] - b) <= tol) n++;
    }
    return n;
  }, [rgb, tolerance]);
  assert.ok(await pixels('#stage', [0xbc, 0xff, 0x29]) > 100, 'infective nodes drawn lime');
  await screenshot(page, 'rumor-infective');
  await finish(page);
  assert.equal(await counter(page, 'count-infective'), 0, 'at the end no one spreads the rumor any more');
  assert.ok(await pixels('#chart', [0xe6, 0xeb, 0xf5], 40) > 50, 'the model curve is drawn (dashed, near white)');
  assert.ok(await pixels('#chart', [0x34, 0xc7, 0x59]) > 50, 'and the measured curve');
  // Above 1,500 nodes the pixel renderer draws the same colours.
  await setControl(page, '#group-size', 3000);
  await page.click('#play');
  await page.waitForFunction(() => Number(document.querySelector('#count-infective').textContent) > 100, null, { timeout: 20000 });
  await page.click('#play');
  assert.ok(await pixels('#stage', [0xbc, 0xff, 0x29]) > 100, 'infective nodes drawn lime in pixels');
  await screenshot(page, 'rumor-3000-infective');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('gossip against ACK implosion: the same network, no implosion, and the comparison shows both', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'gossip-vs-acks.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'gossip-vs-acks.json');
  assert.equal(await page.inputValue('#protocol'), 'gossip');
  const group = await page.$eval('#preset option:checked', (o) => o.parentElement.label);
  assert.match(group, /^Gossip/, 'filed under the gossip family');
  await finish(page);
  assert.match(await page.textContent('#result-delivered'), /^100\.0 % of 2,998$/);
  const peak = Number.parseInt(await page.textContent('#result-implosion'), 10);
  assert.ok(peak < 50, `no node hears an implosion: ${peak} packets in 100 ms`);
  await page.click('#compare-all');
  await page.click('#compare-finish');
  await page.waitForSelector('#compare[data-done="true"]', { timeout: 120000 });
  const table = await page.$$eval('#compare tr', (rows) => rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  const head = table[0];
  const acks = head.indexOf('centralized with ACKs');
  const gossip = head.findIndex((h) => h.endsWith('(yours)'));
  assert.ok(acks > 0 && gossip > 0, `both columns: ${head}`);
  const implosion = table.find((r) => r[0] === 'Peak in per 100 ms');
  assert.match(implosion[acks], /at node 0$/, `the ACKs implode at the sender: ${implosion}`);
  assert.ok(Number.parseInt(implosion[acks], 10) > 10 * Number.parseInt(implosion[gossip], 10), `${implosion}`);
  await screenshot(page, 'gossip-vs-acks-compare');
  assert.deepEqual(page.errors, []);
  await page.close();
});
