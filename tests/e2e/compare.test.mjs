// Browser tests of the side-by-side comparison and the exports (issue 11, items 5 and 6): lanes
// that animate in step and end where single runs end, SRM at 2,000 members over native multicast,
// and downloads that parse and equal the native CLI's report for the same scenario.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const cli = join(root, 'target', 'release', 'mcast');
const work = mkdtempSync(join(tmpdir(), 'mcast-compare-'));

/** Runs the native CLI on `scenario` (an object) with `args`; its stdout. */
function mcastRun(scenario, args = []) {
  assert.ok(existsSync(cli), `build the CLI first: cargo build --release --bin mcast (${cli})`);
  const file = join(work, `scenario-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(scenario));
  return execFileSync(cli, ['run', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Clicks `selector` and returns the downloaded file's bytes and suggested name. Under load a
 * click on the comparison's chart buttons was once lost (no download in 30 s; it passes alone),
 * so a click that starts no download within 10 s is made again, at most three times. */
async function download(page, selector) {
  let dl;
  for (let attempt = 1; !dl; attempt++) {
    try {
      [dl] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.click(selector)]);
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  const path = join(work, dl.suggestedFilename());
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), bytes: readFileSync(path) };
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The lanes as the page shows them. */
function lanes(page) {
  return page.$$eval('#compare-lanes .lane', (ls) => ls.map((l) => ({
    protocol: l.dataset.protocol, done: l.dataset.done === 'true',
    deliveries: Number(l.dataset.deliveries), hash: l.dataset.hash,
  })));
}

test('three protocols animate side by side in step and end as their single runs do', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 200);
  await setControl(page, '#loss', 10);
  await setControl(page, '#messages', 2);
  await setControl(page, '#speed', '1');
  const scenario = JSON.parse(await page.inputValue('#scenario-json'));
  await page.click('#compare-all');
  await page.waitForSelector('#compare-lanes .lane');
  // Five picked by default (yours first in the page's order); unpick two.
  for (const label of ['SRM', 'RMTP']) await page.uncheck(`#compare-pick input[value="${label}"]`);
  assert.deepEqual((await lanes(page)).map((l) => l.protocol), ['centralized', 'centralized with ACKs', 'tree with hop-by-hop NAKs']);
  // They animate: the shared clock moves and packets are counted while no lane is over.
  await page.waitForFunction(() => [...document.querySelectorAll('#compare-lanes .lane')].some((l) => Number(l.dataset.deliveries) > 0));
  // Paused, the lanes still running stand at the shared clock (or at most a frame's step ahead of
  // a lane that ran out of its slice).
  await page.click('#compare-play');
  assert.match(await page.textContent('#compare-clock'), /^t = \d+\.\d of 60000 ms/);
  const clock = Number(await page.getAttribute('#compare-clock', 'data-us'));
  const nows = await page.$$eval('#compare-lanes .lane[data-done="false"]', (ls) => ls.map((l) => Number(l.dataset.nowUs)));
  assert.ok(clock > 0 && nows.length > 0 && nows.every((t) => t >= clock && t <= clock + 100000), `clock ${clock} µs, lanes ${nows}`);
  await screenshot(page, 'compare-lanes-running');
  await page.click('#compare-finish');
  await page.waitForSelector('#compare[data-done="true"]', { timeout: 30000 });
  const done = await lanes(page);
  // Each lane is the single run of its protocol: the same deliveries and trace hash as the CLI.
  const protocols = [scenario.protocol, { ...scenario.protocol, reliable: true }, { kind: 'tree' }];
  for (const [i, protocol] of protocols.entries()) {
    const report = JSON.parse(mcastRun({ ...scenario, protocol }));
    assert.equal(done[i].hash, report.trace_hash, `${done[i].protocol}: same run as the CLI's`);
    assert.equal(done[i].deliveries, report.deliveries, done[i].protocol);
  }
  const delivered = await page.$$eval('#compare-delivered td', (tds) => tds.map((t) => t.textContent));
  assert.equal(delivered.length, 3);
  assert.match(delivered[1], /^100\.0 % of 398$/);
  const tip = await page.getAttribute('#compare-rmr th', 'title');
  assert.match(tip, /redundancy/i, 'each figure says what it means');
  await screenshot(page, 'compare-lanes-done');
  // The user's lane equals the page's own run.
  await page.click('#compare-close');
  assert.equal(await finish(page), done[0].hash);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('SRM at 2,000 members runs over native multicast in the comparison, labelled so', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 2000);
  await setControl(page, '#loss', 10);
  await page.click('#compare-all');
  await page.waitForSelector('#compare-lanes .lane');
  for (const label of ['centralized with ACKs', 'tree with hop-by-hop NAKs', 'RMTP']) {
    await page.uncheck(`#compare-pick input[value="${label}"]`);
  }
  const shown = await lanes(page);
  assert.deepEqual(shown.map((l) => l.protocol), ['centralized', 'SRM (native multicast)']);
  const head = await page.$$eval('#compare thead th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(head.includes('SRM (native multicast)'), `${head}`);
  const why = await page.getAttribute('#lane-1 figcaption', 'title');
  assert.match(why, /application-level multicast each SRM repair costs 1,999 copies through one uplink, .* above 1,000 members this column runs over native multicast$/);
  await page.waitForFunction(() => Number(document.querySelector('#lane-1').dataset.deliveries) > 0, null, { timeout: 30000 });
  await screenshot(page, 'compare-srm-2000-native');
  assert.equal(await page.$('#compare details.refused'), null, 'no refusal: SRM has its column');
  assert.match(await page.textContent('#compare .compare-native'), /^SRM \(native multicast\): over application-level multicast/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a protocol the page refuses shows one short line, its estimate behind a toggle', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 20000);
  await page.click('#compare-all');
  await page.waitForSelector('#compare details.refused');
  const line = await page.textContent('#compare details.refused summary');
  assert.match(line, /^SRM: refused: SRM over 20,000 members would (take|need) about/);
  assert.ok(line.length < 200, `one short line: ${line.length} characters`);
  assert.ok(!(await page.isVisible('#compare details.refused p')), 'the estimate waits behind the toggle');
  await page.click('#compare details.refused summary');
  assert.match(await page.textContent('#compare details.refused p'), /estimate/);
  const head = await page.$$eval('#compare thead th', (ths) => ths.map((t) => t.textContent.trim()));
  assert.ok(!head.some((h) => h.startsWith('SRM')), `no SRM column: ${head}`);
  await screenshot(page, 'compare-refused');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('exports parse and equal the CLI report for the same scenario; PNGs are PNG', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 120);
  await setControl(page, '#loss', 5);
  await setControl(page, '#messages', 3);
  const scenario = JSON.parse(await page.inputValue('#scenario-json'));
  await finish(page);
  const results = await download(page, '#export-results-json');
  assert.match(results.name, /^mcast-centralized-seed1-results\.json$/);
  assert.deepEqual(JSON.parse(results.bytes.toString()), JSON.parse(mcastRun(scenario)), 'the page\'s results are `mcast run`\'s report');
  const csv = (await download(page, '#export-results-csv')).bytes.toString();
  assert.equal(csv.trim(), mcastRun(scenario, ['--csv']).trim(), 'the CSV is `mcast run --csv`\'s');
  const [header, row] = csv.trim().split('\n').map((l) => l.split(','));
  assert.equal(header.length, row.length);
  assert.ok(header.includes('latency_ms.p50'));
  const series = JSON.parse((await download(page, '#export-series-json')).bytes.toString());
  assert.deepEqual(series, JSON.parse(mcastRun(scenario, ['--series', '1'])).series, 'the series is `mcast run --series 1`\'s');
  const seriesCsv = (await download(page, '#export-series-csv')).bytes.toString().trim().split('\n');
  assert.equal(seriesCsv.length - 1, series.deliveries.length, 'a row per bucket');
  const col = seriesCsv[0].split(',').indexOf('deliveries');
  assert.equal(seriesCsv.slice(1).reduce((s, l) => s + Number(l.split(',')[col]), 0), series.deliveries.reduce((a, b) => a + b, 0));
  // The trace: the CLI's, one packet event per logged packet (every packet sent: unicast, no crash).
  const trace = JSON.parse((await download(page, '#export-trace')).bytes.toString());
  const cliTrace = join(work, 'cli-trace.json');
  const report = JSON.parse(mcastRun(scenario, ['--perfetto', cliTrace]));
  assert.deepEqual(trace, JSON.parse(readFileSync(cliTrace, 'utf8')), 'the page\'s trace is `mcast run --perfetto`\'s');
  const packets = trace.traceEvents.filter((e) => e.cat === 'packet');
  assert.equal(packets.length, trace.otherData.packets_logged);
  assert.equal(packets.length, Object.values(report.packets).reduce((a, b) => a + b, 0), 'one event per packet sent');
  assert.ok(packets.every((e) => e.ph === 'X' && Number.isInteger(e.ts) && e.tid >= 1 && e.tid <= 120));
  assert.equal(trace.traceEvents.filter((e) => e.cat === 'loss').length, report.packets_lost, 'each loss an instant event');
  assert.equal(trace.traceEvents.filter((e) => e.name === 'thread_name').length, 120, 'a track per node');
  for (const id of ['#export-canvas-png', '#export-chart-png']) {
    const png = (await download(page, id)).bytes;
    assert.deepEqual([...png.subarray(0, 8)], PNG_MAGIC, `${id} is a PNG`);
    assert.ok(png.length > 1000, `${id}: ${png.length} bytes`);
  }
  // The comparison's exports: a row per protocol, each the CLI's report of that protocol.
  await page.click('#compare-all');
  await page.waitForSelector('#compare-lanes .lane');
  for (const label of ['tree with hop-by-hop NAKs', 'SRM', 'RMTP']) await page.uncheck(`#compare-pick input[value="${label}"]`);
  await page.click('#compare-finish');
  await page.waitForSelector('#compare[data-done="true"]', { timeout: 30000 });
  const comparison = JSON.parse((await download(page, '#export-compare-json')).bytes.toString());
  assert.deepEqual(comparison.protocols.map((p) => p.protocol), ['centralized', 'centralized with ACKs']);
  const acks = JSON.parse(mcastRun({ ...scenario, protocol: { ...scenario.protocol, reliable: true } }));
  delete acks.series;
  delete acks.message_completion_ms.per_message;
  assert.deepEqual(comparison.protocols[1].report, acks, 'the comparison\'s report is `mcast run`\'s, lists left out');
  const compareCsv = (await download(page, '#export-compare-csv')).bytes.toString().trim().split('\n');
  assert.equal(compareCsv.length, 3, 'a header and a row per protocol');
  const columns = compareCsv[0].split(',');
  assert.deepEqual(columns.slice(0, 2), ['protocol', 'refused']);
  const hashAt = columns.indexOf('trace_hash');
  assert.equal(compareCsv[2].split(',')[hashAt], acks.trace_hash);
  for (const id of ['#export-cdf-png', '#export-deliveries-png']) {
    assert.deepEqual([...(await download(page, id)).bytes.subarray(0, 8)], PNG_MAGIC, `${id} is a PNG`);
  }
  await screenshot(page, 'compare-exports');
  assert.deepEqual(page.errors, []);
  await page.close();
});
