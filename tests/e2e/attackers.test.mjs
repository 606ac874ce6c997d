// Attackers on the real page: the boxes in the scenario panel, the attackers marked on the
// canvas (a near-white diamond each), the results' honest figures against the native CLI for the
// same scenario, and the share link carrying them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Pixels drawn near white (every channel above 225): only the attackers' mark once the run is over. */
async function nearWhite(page) {
  return page.$eval('#stage', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 225 && d[i + 1] > 225 && d[i + 2] > 225) n++;
    return n;
  });
}

/** Gossip among the default 300 nodes, then 30 % attackers from `fromMs`. */
async function attacked(page, fromMs) {
  await setControl(page, '#protocol', 'gossip');
  await setControl(page, '#loss', 0);
  await setControl(page, '#attackers-fraction', 30);
  await setControl(page, '#attackers-from-ms', fromMs);
}

test('attackers set in the panel are marked on the canvas and in the legend', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#protocol', 'gossip');
  await setControl(page, '#loss', 0);
  await finish(page);
  assert.equal(await nearWhite(page), 0, 'no attackers, no mark');
  assert.equal(await page.$('#legend-attacker'), null);
  assert.equal(await page.$('#results-attack'), null);
  await setControl(page, '#attackers-fraction', 30);
  await setControl(page, '#attackers-from-ms', 0);
  assert.match(await page.textContent('#attackers-summary'), /^90 of 300 nodes/);
  await finish(page);
  assert.equal(await page.$eval('#stage', (c) => c.dataset.attackers), '90', '90 marks drawn');
  const marked = await nearWhite(page);
  assert.ok(marked > 90 * 4, `each attacker's diamond shows: ${marked} near-white pixels`);
  assert.match(await page.textContent('#legend-attacker'), /attacker/);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.deepEqual(json.attackers, { fraction: 0.3, from_ms: 0 }, 'what the boxes show is what runs');
  await screenshot(page, 'attackers-marked');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the honest figures on the page match the CLI for the same scenario', async () => {
  const cli = join(root, 'target', 'release', 'mcast');
  assert.ok(existsSync(cli), `build the CLI first: cargo build --release --bin mcast (${cli})`);
  const page = await openPage(browser, server.url);
  await attacked(page, 150);
  const hash = await finish(page);
  const file = join(mkdtempSync(join(tmpdir(), 'mcast-')), 'scenario.json');
  writeFileSync(file, await page.inputValue('#scenario-json'));
  const report = JSON.parse(execFileSync(cli, ['run', file], { encoding: 'utf8' }));
  assert.equal(report.trace_hash, hash, 'wasm in Chromium and native x86-64 agree with attackers too');
  const a = report.attack;
  const shown = await page.$eval('#results-attack', (dl) => ({ ...dl.dataset }));
  assert.equal(shown.attackers, String(a.attackers));
  assert.equal(shown.withheld, String(a.withheld_packets));
  assert.equal(await page.textContent('#count-withheld'), String(a.withheld_packets), 'the live counter ends at the report\'s figure');
  assert.equal(Number(shown.honestMean), a.honest_received_mean);
  assert.ok(a.withheld_packets > 0, `the attackers withheld payload: ${a.withheld_packets}`);
  assert.equal(await page.textContent('#result-attack-count'), `${a.attackers} from 150 ms`);
  assert.equal(await page.textContent('#result-attack-latency'), `${a.honest_latency_ms.mean.toFixed(1)} ms / ${a.honest_latency_ms.p99.toFixed(1)} ms`);
  const title = await page.getAttribute('#result-attack-received', 'title');
  assert.match(title, /honest receivers/, 'a tooltip says what the figure is');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a share link carries the attackers and replays the same run', async () => {
  const page = await openPage(browser, server.url);
  await attacked(page, 40);
  const hash = await finish(page);
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  const other = await openPage(browser, link);
  assert.equal(await other.inputValue('#attackers-fraction'), '30');
  assert.equal(await other.inputValue('#attackers-from-ms'), '40');
  assert.equal(await finish(other), hash);
  assert.equal(await other.$eval('#stage', (c) => c.dataset.attackers), '90');
  assert.deepEqual([...page.errors, ...other.errors], []);
  await page.close();
  await other.close();
});
