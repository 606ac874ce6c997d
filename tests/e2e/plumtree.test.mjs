// Plumtree on the page: each preset runs to the trace hash the native build records for it
// (tests/trace_hashes.txt), shows the broadcast measures, and picking Plumtree names HyParView
// as the membership service in the scenario's JSON.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, counter, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** The native trace hash of scenario file `file` at its own seed. */
function nativeHash(file) {
  const scenario = JSON.parse(readFileSync(join(root, 'scenarios', file), 'utf8'));
  const lines = readFileSync(join(root, 'tests', 'trace_hashes.txt'), 'utf8').split('\n');
  const line = lines.find((l) => l === `${file} ${scenario.seed} ${l.split(' ')[2]}`);
  assert.ok(line, `no trace hash line for ${file} at seed ${scenario.seed}`);
  return line.split(' ')[2];
}

for (const file of ['plumtree.json', 'plumtree-heal.json', 'plumtree-eager.json']) {
  test(`the ${file} preset runs as natively and shows the broadcast measures`, async () => {
    const page = await openPage(browser, server.url);
    await setControl(page, '#preset', file);
    await page.waitForFunction((p) => document.querySelector('#preset').value === p, file);
    assert.equal(await finish(page), nativeHash(file), 'wasm and native agree');
    assert.match(await page.textContent('#result-reliability'), /^\d+\.\d % \/ \d+\.\d %$/);
    assert.match(await page.textContent('#result-last_hop'), /^\d+\.\d \/ \d+$/);
    assert.match(await page.textContent('#result-rmr'), /^\d+\.\d{3}$/);
    assert.ok((await counter(page, 'count-gossip')) > 0, 'GOSSIPs counted');
    if (file === 'plumtree-heal.json') assert.ok((await counter(page, 'count-graft')) > 0, 'GRAFTs heal the tree');
    if (file === 'plumtree-eager.json') assert.equal(await counter(page, 'count-prune'), 0, 'eager push never prunes');
    if (file !== 'plumtree-heal.json') {
      // Every node gets every broadcast: no node is left alone by HyParView for long (node 885
      // used to be, for 5.5 s, and missed 7 of the 10).
      assert.equal(await page.textContent('#result-delivered'), '100.0 % of 9,990');
      assert.equal(await page.textContent('#result-complete'), '10 of 10');
    }
    await screenshot(page, `preset-${file.replace('.json', '')}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('picking Plumtree names HyParView as the membership service; leaving it drops it', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#protocol', 'plumtree');
  await page.waitForFunction(() => JSON.parse(document.querySelector('#scenario-json').value).protocol.kind === 'plumtree');
  let json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.membership?.service, 'hyparview');
  await setControl(page, '#protocol', 'gossip');
  await page.waitForFunction(() => JSON.parse(document.querySelector('#scenario-json').value).protocol.kind === 'gossip');
  json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.notEqual(json.membership?.service, 'hyparview');
  assert.deepEqual(page.errors, []);
  await page.close();
});
