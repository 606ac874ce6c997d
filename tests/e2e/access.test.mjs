// Faults as objects, keyboard and accessibility, phone layouts, zoom and pan: the real page in
// headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, counter, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const AXE = join(root, 'tests', 'e2e', 'node_modules', 'axe-core', 'axe.min.js');

/** The accessibility audit's violations, one line each (rule, impact, the first elements). */
async function audit(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document);
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** A page in a context of its own (viewport, reduced motion), with console errors recorded. */
async function pageWith(options, url = server.url) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#stage');
  return page;
}

async function centre(page) {
  const box = await (await page.$('#stage')).boundingBox();
  return { box, x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

test('a clicked crash is listed at a whole millisecond; removing it restores the run, undo brings it back', async () => {
  const plain = await openPage(browser, server.url);
  const baseHash = await finish(plain);
  await plain.close();

  const page = await openPage(browser, server.url);
  await setControl(page, '#speed', '0.02');
  await page.waitForFunction(() => Number.parseInt(document.querySelector('#count-data').textContent, 10) > 5);
  assert.equal(await page.$('#fault-list'), null, 'no faults yet');
  const { x, y } = await centre(page);
  await page.mouse.click(x, y); // a click inspects; the inspector's button crashes
  await page.waitForFunction(() => document.querySelector('#inspector')?.dataset.node === '0');
  await page.click('#inspect-crash');
  await page.waitForSelector('#fault-list li');
  const line = await page.textContent('#fault-list li .what');
  assert.match(line, /^node 0 crashes at [1-9]\d* ms$/, line);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.faults.length, 1);
  assert.ok(Number.isInteger(json.faults[0].at_ms) && json.faults[0].at_ms >= 1, `whole ms: ${json.faults[0].at_ms}`);
  assert.equal(`node 0 crashes at ${json.faults[0].at_ms} ms`, line);
  await screenshot(page, 'access-fault-listed');

  await page.click('#fault-list li .remove');
  await page.waitForSelector('#no-faults');
  assert.equal(JSON.parse(await page.inputValue('#scenario-json')).faults.length, 0);
  assert.equal(await finish(page), baseHash, 'without the crash the run is the plain run');

  await page.click('#fault-undo');
  await page.waitForSelector('#fault-list li');
  assert.equal(await page.textContent('#fault-list li .what'), line);
  assert.equal(JSON.parse(await page.inputValue('#scenario-json')).faults[0].at_ms, json.faults[0].at_ms);
  const crashedHash = await finish(page);
  assert.notEqual(crashedHash, baseHash);
  assert.equal(await page.textContent('#count-crashed'), '1');
  await page.click('#fault-redo');
  await page.waitForSelector('#no-faults');
  await page.click('#fault-undo');
  await page.waitForSelector('#fault-list li');
  // Reset keeps the fault, and shows it.
  await page.click('#reset');
  assert.equal(await page.locator('#fault-list li').count(), 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a dragged partition is listed, goes into the scenario and drops packets', async () => {
  const page = await openPage(browser, server.url);
  await page.click('#play'); // pause at the start
  await setControl(page, '#partition-from', '0');
  await setControl(page, '#partition-heal', '400');
  await page.click('#partition-tool');
  assert.equal(await page.getAttribute('#partition-tool', 'aria-pressed'), 'true');
  const { box } = await centre(page);
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.45, { steps: 5 });
  await screenshot(page, 'access-partition-drawing');
  await page.mouse.up();
  await page.waitForSelector('#fault-list li');
  const line = await page.textContent('#fault-list li .what');
  assert.match(line, /^partition 0–400 ms: \d+ nodes cut off from the rest$/, line);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.equal(json.network.partitions.length, 1);
  const cut = json.network.partitions[0].a;
  assert.ok(cut.length > 5 && !cut.includes(0), `some nodes, not the sender: ${cut.length}`);
  assert.equal(`partition 0–400 ms: ${cut.length} nodes cut off from the rest`, line);
  assert.equal(await page.getAttribute('#partition-tool', 'aria-pressed'), 'false', 'one region per press');
  assert.equal(await page.textContent('#count-crashed'), '0', 'the drag crashed nothing');
  await finish(page);
  assert.ok(await counter(page, 'count-dropped-partition') > 0, 'the partition dropped packets');
  await screenshot(page, 'access-partition-done');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('? opens the help listing every shortcut, Esc closes it and gives the focus back', async () => {
  const page = await openPage(browser, server.url);
  assert.equal(await page.$('#help'), null);
  await page.focus('#stage');
  await page.keyboard.press('?');
  await page.waitForSelector('#help[role=dialog]');
  const keys = await page.$$eval('#help kbd', (ks) => ks.map((k) => k.textContent));
  for (const k of ['Space', 'R', 'End', '?', 'Esc', '+']) assert.ok(keys.includes(k), `${k} in ${keys}`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'help-close', 'focus moves into the dialog');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'help-close', 'and stays there');
  await screenshot(page, 'access-help');
  assert.deepEqual(await audit(page), [], 'the help dialog passes the audit');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#help', { state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement.id), 'stage', 'the focus goes back to the canvas');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the accessibility audit finds nothing, before and after a run; the live region speaks', async () => {
  const page = await openPage(browser, server.url);
  assert.deepEqual(await audit(page), []);
  await finish(page);
  await page.waitForSelector('.results dl');
  assert.deepEqual(await audit(page), [], 'with results shown');
  await page.waitForFunction(() => /^Run done: \d+ of \d+ deliveries/.test(document.querySelector('#live').textContent));
  assert.equal(await page.getAttribute('#live', 'aria-live'), 'polite');
  await page.close();
});

test('reduced motion: the run waits for Play and the canvas redraws a few times a second', async () => {
  const page = await pageWith({ viewport: { width: 1400, height: 860 }, reducedMotion: 'reduce' });
  assert.equal(await page.getAttribute('.app', 'data-reduced-motion'), 'true');
  await page.waitForTimeout(400);
  assert.equal(await page.textContent('#status'), 'paused');
  assert.equal(await page.textContent('#sim-time'), '0.0 ms');
  await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#sim-time').textContent !== '0.0 ms');
  await page.close();
  const normal = await pageWith({ viewport: { width: 1400, height: 860 } });
  assert.equal(await normal.getAttribute('.app', 'data-reduced-motion'), 'false');
  await normal.waitForFunction(() => document.querySelector('#sim-time').textContent !== '0.0 ms');
  await normal.close();
});

for (const [w, h] of [[390, 844], [844, 390]]) {
  test(`at ${w}×${h} the run buttons and the canvas are on screen, and a long name is cut short`, async () => {
    const page = await pageWith({ viewport: { width: w, height: h }, hasTouch: true, isMobile: true });
    for (const id of ['#play', '#reset', '#finish', '#stage']) {
      const b = await (await page.$(id)).boundingBox();
      assert.ok(b && b.x >= 0 && b.y >= 0 && b.x + b.width <= w + 0.5 && b.y + b.height <= h + 0.5,
        `${id} within ${w}×${h}: ${JSON.stringify(b)}`);
      if (id === '#stage') assert.ok(b.width >= 200 && b.height >= 200, `the canvas is usable: ${JSON.stringify(b)}`);
    }
    await screenshot(page, `access-phone-${w}x${h}`);
    assert.deepEqual(await audit(page), [], 'the phone layout passes the audit');
    const json = JSON.parse(await page.inputValue('#scenario-json'));
    json.name = 'A very long name '.repeat(600);
    await page.click('details.json summary');
    await page.$eval('#scenario-json', (t, v) => { t.value = v; }, JSON.stringify(json));
    await page.click('#apply-json');
    await page.waitForSelector('#subtitle .name');
    assert.equal((await page.getAttribute('#subtitle .name', 'title')).length, json.name.length);
    const header = await (await page.$('header')).boundingBox();
    assert.ok(header.height < 80 && header.width <= w + 0.5, `header capped: ${JSON.stringify(header)}`);
    const stage = await (await page.$('#stage')).boundingBox();
    assert.ok(stage.y + stage.height <= h + 0.5, `canvas still on screen: ${JSON.stringify(stage)}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `access-phone-${w}x${h}-long-name`);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

/** How many pixels are drawn in the sender's colour (#f5b700): the sender's area. */
async function senderPixels(page) {
  return page.$eval('#stage', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0xf5 && d[i + 1] === 0xb7 && d[i + 2] === 0x00) n++;
    return n;
  });
}

test('zoom makes nodes bigger, a click hits the zoomed node, reset view goes back', async () => {
  const page = await openPage(browser, server.url);
  await page.click('#play'); // pause
  await page.click('#reset'); // back to time 0, still paused: every node but the sender waits
  await page.waitForTimeout(100);
  assert.equal(await page.textContent('#sim-time'), '0.0 ms');
  const before = await senderPixels(page);
  for (let i = 0; i < 3; i++) await page.click('#zoom-in');
  await page.waitForTimeout(100);
  const after = await senderPixels(page);
  assert.ok(after > before * 2, `the sender grows: ${before} pixels then ${after}`);
  assert.match(await page.textContent('#reset-view'), /3\.4×/);
  // The waiting node drawn nearest the sender, as drawn now: click its middle.
  const target = await page.$eval('#stage', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const waiting = (x, y) => { const i = (y * c.width + x) * 4; return d[i] === 0x56 && d[i + 1] === 0x65 && d[i + 2] === 0x7a; };
    const [cx, cy] = [Math.floor(c.width / 2), Math.floor(c.height / 2)];
    let best = null;
    for (let y = 0; y < c.height; y += 2) for (let x = 0; x < c.width; x += 2) {
      if (waiting(x, y) && (!best || (x - cx) ** 2 + (y - cy) ** 2 < (best[0] - cx) ** 2 + (best[1] - cy) ** 2)) best = [x, y];
    }
    if (!best) return { found: false };
    let [x0, x1] = [best[0], best[0]];
    while (waiting(x0 - 1, best[1])) x0--;
    while (waiting(x1 + 1, best[1])) x1++;
    const mx = Math.round((x0 + x1) / 2);
    let [y0, y1] = [best[1], best[1]];
    while (waiting(mx, y0 - 1)) y0--;
    while (waiting(mx, y1 + 1)) y1++;
    return { x: mx / devicePixelRatio, y: Math.round((y0 + y1) / 2) / devicePixelRatio, found: true, r: x1 - x0 };
  });
  assert.ok(target.found, 'a waiting node is on the middle row');
  const { box } = await centre(page);
  await page.mouse.click(box.x + target.x, box.y + target.y);
  await page.waitForSelector('#inspector');
  await page.click('#inspect-crash');
  await page.waitForSelector('#fault-list li');
  const sizeBefore = await page.$eval('#stage', (c) => [c.width, c.height]);
  await finish(page); // the crash lands at the next whole millisecond: run past it
  await page.waitForTimeout(100);
  assert.deepEqual(await page.$eval('#stage', (c) => [c.width, c.height]), sizeBefore, 'the canvas kept its size');
  const zoomedDone = await senderPixels(page);
  // The cross's arms pass within a few pixels of the node's centre.
  const red = await page.$eval('#stage', (c, t) => {
    const [x, y] = [Math.round(t.x * devicePixelRatio) - 6, Math.round(t.y * devicePixelRatio) - 6];
    const d = c.getContext('2d').getImageData(x, y, 13, 13).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] > 200 && d[i + 1] < 120 && d[i + 2] < 120) n++;
    return n;
  }, target);
  const json = JSON.parse(await page.inputValue('#scenario-json'));
  assert.notEqual(json.faults[0].node, 0, 'not the sender');
  assert.equal(json.faults[0].at_ms, 1, 'a click at time 0 crashes at 1 ms, not 0');
  await screenshot(page, 'access-zoomed-crash');
  assert.ok(red > 10, `the node under the click is drawn crashed (a red cross): ${red} red pixels around it`);
  // A drag pans and crashes nothing; the wheel zooms; reset view goes back.
  await page.mouse.move(box.x + 100, box.y + 100);
  await page.mouse.down();
  await page.mouse.move(box.x + 200, box.y + 150, { steps: 4 });
  await page.mouse.up();
  assert.equal(await page.locator('#fault-list li').count(), 1);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, -300);
  await page.waitForFunction(() => !/3\.4×/.test(document.querySelector('#reset-view').textContent));
  await page.click('#reset-view');
  await page.waitForFunction(() => /1\.0×/.test(document.querySelector('#reset-view').textContent));
  await page.waitForTimeout(100);
  const whole = await senderPixels(page);
  assert.ok(whole > 0 && whole < zoomedDone / 2, `the sender shrinks back: ${zoomedDone} pixels then ${whole}`);
  // 20,000 nodes, zoomed in: legible.
  await setControl(page, '#group-size', '20000');
  for (let i = 0; i < 6; i++) await page.click('#zoom-in');
  await page.waitForTimeout(200);
  await screenshot(page, 'access-zoomed-20000');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the audit finds nothing with the stream\'s viewers, the attackers or the comparison shown', async () => {
  const page = await pageWith({ viewport: { width: 1400, height: 860 } });
  for (const preset of ['live-stream.json', 'gossipsub-attack.json', 'plumtree.json']) {
    await setControl(page, '#preset', preset);
    await page.waitForFunction((p) => document.querySelector('#preset').value === p, preset);
    await finish(page);
    assert.deepEqual(await audit(page), [], `${preset}, after the run`);
  }
  await page.click('#compare-all');
  await page.waitForSelector('#compare thead th');
  assert.deepEqual(await audit(page), [], 'with the comparison open');
  assert.deepEqual(page.errors, []);
  await page.close();
});
