// Browser tests that the page's words match what runs, for the families added after the page
// was built: the Messages field with several senders, big figures grouped as the CLI's text
// groups them, the overlay read at the end of a move in time rather than up to half a second
// later, and Plumtree (in the picker and the comparison) over HyParView from its warm-up on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot, setControl, finish } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('with ten publishers the Messages field says it counts each one\'s, and the total', async () => {
  const page = await openPage(browser, server.url);
  assert.equal(await page.textContent('label[for="messages"]'), 'Messages');
  await setControl(page, '#preset', 'gossipsub.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'gossipsub.json');
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  const senders = json.workload.senders.length;
  const all = senders * json.workload.messages;
  assert.ok(senders > 1, 'the preset has several publishers');
  assert.equal(await page.textContent('label[for="messages"]'),
    `Messages per sender (${senders} senders: ${all.toLocaleString('en-US')} in all)`);
  assert.equal(await page.inputValue('#messages'), String(json.workload.messages));
  await finish(page);
  const complete = await page.textContent('#result-complete');
  assert.match(complete, new RegExp(` of ${all}$`), `the results count the same messages: ${complete}`);
  assert.match(await page.textContent('#result-delivered'), /^100\.0 % of \d{1,3}(,\d{3})+$/, 'grouped as the CLI groups');
  assert.match(await page.textContent('#result-duplicates'), /^\d{1,3}(,\d{3})+$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Plumtree in the comparison runs over HyParView once built, labelled so, and delivers', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#group-size', 100);
  await page.click('#compare-all');
  await page.waitForSelector('#compare-lanes .lane');
  for (const label of ['tree with hop-by-hop NAKs', 'SRM', 'RMTP']) {
    await page.uncheck(`#compare-pick input[value="${label}"]`);
  }
  await page.check('#compare-pick input[value="Plumtree"]');
  await page.click('#compare-finish');
  await page.waitForSelector('#compare[data-done="true"]', { timeout: 120000 });
  const shown = await page.$$eval('#compare-lanes .lane', (ls) => ls.map((l) => l.dataset.protocol));
  assert.ok(shown.includes('Plumtree (over HyParView, from 2,000 ms)'), `${shown}`);
  assert.ok(!shown.some((p) => p !== 'Plumtree (over HyParView, from 2,000 ms)' && p.includes('HyParView')), `only Plumtree gets it: ${shown}`);
  assert.equal(await page.$('#compare details.refused'), null, 'nothing refused');
  const lane = await page.$eval('#compare-lanes .lane[data-protocol="Plumtree (over HyParView, from 2,000 ms)"]', (l) => Number(l.dataset.deliveries));
  assert.equal(lane, 99, 'Plumtree delivers to all 99 receivers');
  await screenshot(page, 'compare-plumtree-over-hyparview');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('after End the overlay is drawn at once, its toggle and legend with it; O toggles it', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'plumtree.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'plumtree.json');
  await finish(page);
  // The frame that ends the move reads the overlay before the page shows "done" (the preset
  // starts before HyParView has any link, so a reading from then shows none).
  assert.notEqual(await page.$('#toggle-overlay'), null, 'the overlay toggle shows with "done"');
  assert.match(await page.textContent('#legend'), /lazy/i);
  // O hides and shows it, as the toggle does.
  assert.equal(await page.getAttribute('#toggle-overlay', 'aria-pressed'), 'true');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('o');
  await page.waitForFunction(() => document.querySelector('#toggle-overlay').getAttribute('aria-pressed') === 'false');
  await page.keyboard.press('O');
  await page.waitForFunction(() => document.querySelector('#toggle-overlay').getAttribute('aria-pressed') === 'true');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('picking Plumtree starts the workload once HyParView has built the overlay, and says so', async () => {
  const page = await openPage(browser, server.url);
  assert.equal(await page.$('#overlay-hint'), null, 'no overlay hint for centralized');
  await setControl(page, '#protocol', 'plumtree');
  await page.waitForFunction(() => JSON.parse(document.querySelector('#scenario-json').value).protocol.kind === 'plumtree');
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.workload.start_ms, 2000, 'the start moves to the warm-up, visibly');
  assert.match(await page.textContent('#overlay-hint'), /^Plumtree runs over HyParView's overlay, .* first message leaves at 2,000 ms/);
  await finish(page);
  assert.match(await page.textContent('#result-delivered'), /^100\.0 % of 299$/, 'every member gets it');
  // A start before the overlay is built is the user's to choose, with a warning.
  json.workload.start_ms = 0;
  await page.click('details.json summary');
  await page.fill('#scenario-json', JSON.stringify(json));
  await page.click('#apply-json');
  await page.waitForFunction(() => document.querySelector('#overlay-hint')?.textContent.startsWith('The first message leaves at 0 ms'));
  await finish(page);
  assert.match(await page.textContent('#result-delivered'), /^0\.00 % \(299 of 299 missing\)$/, 'as the warning says');
  await screenshot(page, 'plumtree-start-before-overlay');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the strip under the time slider shows the part run so far; seeking back keeps it', async () => {
  const page = await openPage(browser, server.url);
  if (await page.textContent('#play') === 'Pause') await page.click('#play');
  const end = Number(await page.getAttribute('#time-slider', 'max'));
  await setControl(page, '#until-ms', 1000);
  await page.waitForFunction(() => Number(document.querySelector('#time-slider').dataset.furthestMs) >= 1000);
  const reached = async () => Number((await page.getAttribute('#slider-run', 'style')).match(/--reached:([\d.]+)/)[1]);
  const furthest = Number(await page.getAttribute('#time-slider', 'data-furthest-ms'));
  assert.ok(Math.abs(await reached() - furthest / end) < 1e-4, `strip at ${await reached()} of ${end} ms`);
  await setControl(page, '#until-ms', 200);
  await page.waitForFunction(() => document.querySelector('#toolbar-time').textContent.startsWith('200'));
  assert.ok(Math.abs(await reached() - furthest / end) < 1e-4, 'seeking back leaves the strip where the run got to');
  await screenshot(page, 'time-slider-strip');
  assert.deepEqual(page.errors, []);
  await page.close();
});
