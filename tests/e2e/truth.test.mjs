// Browser tests that the page's words match what runs, for the families added after the page
// was built: the Messages field with several senders, big figures grouped as the CLI's text
// groups them, and the
// overlay read at the end of a move in time rather than up to half a second later.
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

test('after End the overlay is drawn at once, its toggle and legend with it', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#preset', 'plumtree.json');
  await page.waitForFunction(() => document.querySelector('#preset').value === 'plumtree.json');
  await finish(page);
  // The frame that ends the move reads the overlay before the page shows "done" (the preset
  // starts before HyParView has any link, so a reading from then shows none).
  assert.notEqual(await page.$('#toggle-overlay'), null, 'the overlay toggle shows with "done"');
  assert.match(await page.textContent('#legend'), /lazy/i);
  assert.deepEqual(page.errors, []);
  await page.close();
});
