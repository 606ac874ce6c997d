// The page tells the truth and can be learned: refusals that keep the controls on what runs and
// offer a way out, a JSON editor that keeps what was typed, the first visit and the guided start,
// tooltips on every figure, presets that open where the action is, and a live stream per viewer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, counter, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The native CLI: target/release/mcast, or under $CARGO_TARGET_DIR. */
function cli() {
  const dirs = [join(root, 'target'), process.env.CARGO_TARGET_DIR].filter(Boolean);
  const found = dirs.map((d) => join(d, 'release', 'mcast')).find((p) => existsSync(p));
  assert.ok(found, `build the CLI first: cargo build --release --bin mcast (looked in ${dirs})`);
  return found;
}

/** The CLI's report for the scenario in the page's JSON editor. */
async function cliReport(page) {
  const file = join(mkdtempSync(join(tmpdir(), 'mcast-')), 'scenario.json');
  writeFileSync(file, await page.inputValue('#scenario-json'));
  return JSON.parse(execFileSync(cli(), ['run', file], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

const bannerText = (page) => page.$eval('#error-text', (e) => e.textContent);

test('after every refused edit the controls show what runs, and the banner stays until dismissed', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#loss', 10);
  await setControl(page, '#messages', 5);
  await setControl(page, '#group-size', 20000);
  await page.waitForFunction(() => document.querySelector('#group-size').value === '20000');
  const hash = await finish(page);
  const refusals = [
    ['#protocol', 'srm', /^SRM over 20,000 members would take about [\d.]+ million events .*budget of 30 million/],
    ['#group-size', 50000000, /^Group size: must be from 2 to 20000, got 50000000; larger groups run in the native CLI/],
    ['#loss', 500, /^Packet loss: must be from 0 to 100 %, got 500 %\. Your current scenario is unchanged\.$/],
    ['#uplink', -1, /^Uplink per node: must be from 0 to/],
  ];
  for (const [control, value, words] of refusals) {
    await setControl(page, control, value);
    await page.waitForSelector('#error-banner');
    assert.match(await bannerText(page), words, `${control} = ${value}`);
    assert.equal(await page.inputValue('#protocol'), 'centralized', `the picker after ${control} = ${value}`);
    assert.equal(await page.inputValue('#group-size'), '20000', `the size after ${control} = ${value}`);
    assert.equal(await page.inputValue('#loss'), '10', `the loss after ${control} = ${value}`);
    assert.equal(await page.textContent('#trace-hash'), hash, 'the running scenario is untouched');
  }
  // The SRM refusal: one sentence, the estimate behind a toggle, a way out.
  await setControl(page, '#protocol', 'srm');
  await page.waitForFunction(() => document.querySelector('#error-text')?.textContent.startsWith('SRM'));
  assert.ok(await page.$('#error-details'), 'the details sit behind a toggle');
  assert.equal(await page.$eval('#error-details', (d) => d.open), false);
  assert.match(await page.textContent('#way-out-0'), /^Use 2,000 members$/);
  await screenshot(page, 'learn-refusal-banner');
  // Play, pause, replay and frames go by: the banner stays.
  const text = await bannerText(page);
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#status').textContent !== 'done');
  await page.click('#play');
  await page.waitForTimeout(300);
  await page.click('#finish');
  await page.waitForSelector('#status.done');
  assert.equal(await bannerText(page), text, 'the banner outlives play, pause and the end of the run');
  await page.click('#error-banner button.close');
  assert.equal(await page.$('#error-banner'), null, 'dismissed');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('JSON typed but not applied survives play, pause, the end and a refused edit', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#speed', '0.02');
  await page.click('details.json summary');
  const applied = await page.inputValue('#scenario-json');
  const typed = applied.replace('"seed": 1', '"seed": 4242');
  assert.notEqual(typed, applied);
  await page.fill('#scenario-json', typed);
  await page.waitForSelector('#json-edited');
  await page.click('#play');
  await page.click('#play');
  await page.click('#finish');
  await page.waitForSelector('#status.done');
  await setControl(page, '#group-size', 50000000);
  await page.waitForSelector('#error-banner');
  assert.equal(await page.inputValue('#scenario-json'), typed, 'what was typed is still there');
  assert.ok(await page.$('#json-edited'), 'and marked as not applied');
  await page.locator('#scenario-json').scrollIntoViewIfNeeded();
  await screenshot(page, 'learn-json-edited');
  // Applying it runs it, and the editor then shows what runs.
  await page.click('#apply-json');
  await page.waitForFunction(() => document.querySelector('#seed').value === '4242');
  assert.equal(await page.$('#json-edited'), null);
  assert.equal(await page.$('#error-banner'), null, 'an edit that runs takes the banner away');
  // Revert puts back what runs.
  await page.fill('#scenario-json', '{ not json');
  await page.click('#revert-json');
  assert.equal(JSON.parse(await page.inputValue('#scenario-json')).seed, 4242);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test("the way out of an SRM refusal loads a scenario that runs", async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 5000);
  await page.waitForFunction(() => document.querySelector('#group-size').value === '5000');
  await setControl(page, '#protocol', 'srm');
  await page.waitForSelector('#way-out-0');
  assert.match(await bannerText(page), /^SRM over 5,000 members would/);
  const label = (await page.textContent('#way-out-0')).trim();
  const size = label.match(/^Use ([\d,]+) members$/)[1].replace(/,/g, '');
  await page.click('#way-out-0');
  await page.waitForFunction((n) => document.querySelector('#group-size').value === n, size);
  assert.equal(await page.inputValue('#protocol'), 'srm', 'the picker shows SRM, which now runs');
  assert.equal(await page.$('#error-banner'), null);
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#events').textContent, 10) > 0);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('SRM over application-level multicast in a large group says what a multicast costs and offers native', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#speed', '0.02');
  await setControl(page, '#group-size', 2000);
  await page.waitForFunction(() => document.querySelector('#group-size').value === '2000');
  await setControl(page, '#protocol', 'srm');
  await page.waitForSelector('#multicast-hint');
  assert.match(await page.textContent('#multicast-hint'), /each of SRM's multicasts \(data, requests, repairs\) is 1,999 copies through one uplink/);
  await page.click('#use-native');
  await page.waitForFunction(() => document.querySelector('#multicast').value === 'native');
  assert.equal(await page.$('#multicast-hint'), null);
  assert.equal(await page.inputValue('#protocol'), 'srm');
  assert.equal(await page.inputValue('#group-size'), '2000');
  assert.equal(JSON.parse(await page.inputValue('#scenario-json')).network.native_multicast, true);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the first-visit line shows once, and the guided start steps through and closes', async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#welcome');
  await screenshot(page, 'learn-welcome');
  await page.click('#tour-start');
  const targets = ['#stage', '#play', '#preset', '.panel.stats', '#results'];
  for (const [i, target] of targets.entries()) {
    assert.equal(await page.textContent('#tour-step'), `Step ${i + 1} of ${targets.length}`);
    assert.equal(await page.$eval(target, (e) => e.getAttribute('data-tour')), 'on', `step ${i + 1} highlights ${target}`);
    assert.equal(await page.$$eval('[data-tour]', (l) => l.length), 1, 'one thing at a time');
    if (i === 1) await screenshot(page, 'learn-tour-step-2');
    await page.click('#tour-next');
  }
  assert.equal(await page.$('#tour-card'), null, 'Done closes the tour');
  assert.equal(await page.$$eval('[data-tour]', (l) => l.length), 0);
  assert.equal(await page.$('#welcome'), null, 'the line went with the tour');
  await page.reload();
  await page.waitForSelector('#stage');
  assert.equal(await page.$('#welcome'), null, 'remembered: not shown on the next visit');
  await page.click('#tour-open');
  await page.click('#tour-skip');
  assert.equal(await page.$('#tour-card'), null, 'Skip closes it');
  await context.close();
});

test('every figure in the results and the counters says what it means', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#param-reliable', 'true');
  await setControl(page, '#loss', 20);
  await finish(page);
  const untitled = await page.$$eval('#results dt, #results dd, .panel.stats .counter', (list) =>
    list.filter((e) => !(e.getAttribute('title') ?? '').trim()).map((e) => e.id || e.textContent));
  assert.deepEqual(untitled, []);
  const ids = await page.$$eval('#results dd', (l) => l.map((e) => e.id));
  for (const id of ['result-rmr', 'result-implosion', 'result-payload', 'result-control', 'result-latency']) {
    assert.ok(ids.includes(id), id);
  }
  assert.match(await page.getAttribute('#result-rmr', 'title'), /redundancy/i);
  assert.match(await page.$eval('#count-ack', (e) => e.parentElement.title), /ACK/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a preset with a start of its own shows DATA within a second of page time', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'nak-implosion.json');
  const t0 = Date.now();
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 0, null, { timeout: 10000 });
  const waited = Date.now() - t0;
  const simMs = Number.parseFloat(await page.textContent('#sim-time'));
  assert.equal(await page.inputValue('#speed'), '0.1');
  // At 0.1× a second of page time is 100 ms of simulated time after the skip to 2,450 ms.
  assert.ok(simMs >= 2450 && simMs <= 2560, `first DATA shown at ${simMs} ms of simulated time`);
  assert.ok(waited < 5000, `shown after ${waited} ms of page time`);
  await screenshot(page, 'learn-preset-opening');
  // Reset goes back to the preset's opening, not to the 2.5 s before it.
  await page.click('#reset');
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 0, null, { timeout: 10000 });
  const again = Number.parseFloat(await page.textContent('#sim-time'));
  assert.ok(again >= 2450 && again <= 2560, `after Reset, first DATA at ${again} ms`);
  // The skip is the same run: its end has the CLI's hash.
  const hash = await finish(page);
  assert.equal(hash, (await cliReport(page)).trace_hash);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('misleading figures come with a word: exact missing counts, scheduled faults, DR load', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'centralized-acks.json');
  assert.equal(await page.textContent('#scheduled-faults'), 'Scheduled faults: node 42 crashes at 20 ms.');
  await setControl(page, '#preset', 'churn.json');
  await finish(page);
  const r = await cliReport(page);
  const missing = r.expected_deliveries - r.deliveries;
  const shown = await page.textContent('#result-delivered');
  if (missing > 0) assert.match(shown, new RegExp(`\\(${missing.toLocaleString('en-US')} of ${r.expected_deliveries.toLocaleString('en-US')} missing\\)$`));
  assert.doesNotMatch(shown, missing > 0 ? /^100/ : /missing/);
  await setControl(page, '#preset', 'rmtp.json');
  await finish(page);
  assert.match(await page.textContent('#note-dr-load'), /^Designated receivers carry the load: the busiest, node \d+, received [\d,]+ packets/);
  await screenshot(page, 'learn-rmtp-notes');
  await setControl(page, '#preset', 'srm.json');
  await finish(page);
  assert.match(await page.textContent('#note-srm-payload'), /request and repair is multicast to the whole group/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a live stream has its own controls and shows on-time, late and missing frames per viewer as the CLI counts them', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'live-stream.json');
  await page.waitForSelector('#stream-controls');
  assert.equal(await page.$('#messages'), null, 'no Messages box for a stream');
  assert.equal(await page.inputValue('#stream-rate_per_sec'), '20');
  assert.equal(await page.inputValue('#stream-playout_delay_ms'), '60');
  await finish(page);
  const st = (await cliReport(page)).stream;
  const totals = await page.$eval('#stream-totals', (e) => ({ ...e.dataset }));
  assert.equal(Number(totals.receivers), st.receivers);
  assert.equal(Number(totals.late), st.late);
  assert.equal(Number(totals.missing), st.missing);
  assert.equal(Number(totals.complete), st.receivers_complete_on_time);
  const rows = await page.$$eval('#stream-viewers tbody tr', (l) => l.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => Number(td.textContent))));
  assert.ok(rows.length > 0);
  const bad = rows.map(([, late, missing]) => late + missing);
  assert.deepEqual(bad, [...bad].sort((a, b) => b - a), 'the worst viewers first');
  assert.ok(rows.every(([, late, missing]) => late <= st.late_per_receiver.max && missing <= st.missing_per_receiver.max));
  assert.ok(bad[0] >= st.late_per_receiver.max, 'the first viewer is at least as bad as the latest one');
  for (const [onTime, late, missing] of rows) assert.ok(onTime + late + missing <= st.packets, 'every frame owed is on time, late or missing');
  await screenshot(page, 'learn-stream');
  // The stream's own controls edit the scenario.
  await setControl(page, '#stream-playout_delay_ms', 200);
  await page.waitForFunction(() => document.querySelector('#stream-playout_delay_ms').value === '200');
  assert.equal(JSON.parse(await page.inputValue('#scenario-json')).workload.stream.playout_delay_ms, 200);
  assert.deepEqual(page.errors, []);
  await page.close();
});
