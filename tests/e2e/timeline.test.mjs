// The run toolbar and the timeline: seeking back and forth shows exactly what a straight run
// shows, Step and Back move by one event or one round, the arrow, Home and End keys, a sliced
// End that stays responsive, the Duration control in the share link, and a toolbar that stays
// in view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveDist, launch, openPage, screenshot, counter, setControl, finish, root } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

/** Loads a gallery preset and waits until the page runs it (the header names it). */
async function preset(page, file, words) {
  await setControl(page, '#preset', file);
  await page.waitForFunction((w) => document.querySelector('header').textContent.toLowerCase().includes(w), words);
}

/** Pauses the run if it plays, and takes the focus off any control (so keys reach the page). */
async function pause(page) {
  if ((await page.textContent('#play')).trim() === 'Pause') await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#play').textContent.trim() !== 'Pause');
  await page.evaluate(() => document.activeElement?.blur());
}

/** Waits until no move in time is in progress and the simulated time reads `ms`. */
async function at(page, ms) {
  const text = `${ms.toFixed(1)} ms`;
  await page.waitForFunction((t) => !document.querySelector('#progress')
    && document.querySelector('#sim-time').textContent.trim() === t, text, { timeout: 20000 });
}

/** What the counters show: events, data packets, simulated time and trace hash. */
async function state(page) {
  return {
    events: await counter(page, 'events'),
    time: (await page.textContent('#sim-time')).trim(),
    hash: (await page.textContent('#trace-hash')).trim(),
  };
}

/** Drags the time slider to `ms`, as a person would (an input event per position). */
async function slide(page, ms) {
  await page.$eval('#time-slider', (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, ms);
}

test('scrubbing back and forward shows the same counters and trace hash as a straight run to that time', async () => {
  const page = await openPage(browser, server.url);
  await preset(page, 'gossip.json', 'gossip');
  await pause(page);
  await setControl(page, '#until-ms', 3000);
  await at(page, 3000);
  const checkpoints = Number(await page.getAttribute('#time-slider', 'data-checkpoints'));
  assert.ok(checkpoints > 2, `checkpoints kept on the way to 3 s: ${checkpoints}`);
  await slide(page, 1000);
  await at(page, 1000);
  const back = await state(page);
  await slide(page, 2500);
  await at(page, 2500);
  const forward = await state(page);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Home');
  await at(page, 0);
  assert.ok(await counter(page, 'events') < 10, 'Home seeks to time zero (the events due at 0 ran)');
  await setControl(page, '#until-ms', 1000);
  await at(page, 1000);
  assert.deepEqual(await state(page), back, 'the same moment twice');

  const straight = await openPage(browser, server.url);
  await preset(straight, 'gossip.json', 'gossip');
  await pause(straight);
  await setControl(straight, '#until-ms', 1000);
  await at(straight, 1000);
  assert.deepEqual(await state(straight), back, 'seeking back from 3 s equals a straight run to 1 s');
  await setControl(straight, '#until-ms', 2500);
  await at(straight, 2500);
  assert.deepEqual(await state(straight), forward, 'and forward to 2.5 s');
  await screenshot(page, 'timeline-scrubbed');
  assert.deepEqual([...page.errors, ...straight.errors], []);
  await page.close();
  await straight.close();
});

test('Step moves by exactly one event or one round, Back undoes it, and the arrow keys do the same', async () => {
  const page = await openPage(browser, server.url);
  await preset(page, 'rounds.json', 'round');
  await pause(page);
  await setControl(page, '#until-ms', 500);
  await at(page, 500);
  const start = await state(page);
  await page.click('#step');
  await page.waitForFunction((n) => document.querySelector('#events').textContent.trim() === String(n), start.events + 1);
  assert.equal(await counter(page, 'events'), start.events + 1, 'one event');
  await page.click('#back');
  await at(page, 500);
  assert.deepEqual(await state(page), start, 'Back returns to the same counters and hash');
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((n) => document.querySelector('#events').textContent.trim() === String(n), start.events + 1);
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((n) => document.querySelector('#events').textContent.trim() === String(n), start.events);
  assert.equal((await state(page)).hash, start.hash, '← undoes →');

  // One round is round_ms (50 ms here): three steps land where Run until 650 ms lands.
  await setControl(page, '#step-kind', 'round');
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  await at(page, 650);
  const stepped = await state(page);
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Home');
  await at(page, 0);
  await setControl(page, '#until-ms', 650);
  await at(page, 650);
  assert.deepEqual(await state(page), stepped, 'three rounds of steps equal a run to 650 ms');
  assert.ok(stepped.events > start.events);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('End on a 20,000-node tree shows its progress and a click on Pause stops it before the end', async () => {
  const page = await openPage(browser, server.url);
  await preset(page, 'tree.json', 'tree');
  await setControl(page, '#group-size', 20000);
  await page.waitForFunction(() => document.querySelector('header').textContent.includes('20000 nodes'));
  await pause(page);
  await page.keyboard.press('End');
  await page.waitForSelector('#progress', { timeout: 20000 });
  await page.waitForFunction(() => Number.parseFloat(document.querySelector('#progress-percent').textContent) > 0, null, { timeout: 20000 });
  assert.equal((await page.textContent('#play')).trim(), 'Pause', 'End is the run moving: its button stops it');
  await screenshot(page, 'timeline-end-progress');
  const canvasSize = () => page.$eval('#stage', (c) => [c.clientWidth, c.clientHeight]);
  const sizeWithProgress = await canvasSize();
  await page.click('#play');
  await page.waitForSelector('#progress', { state: 'detached' });
  assert.deepEqual(await canvasSize(), sizeWithProgress, 'the progress line hangs over the canvas: it never resizes it');
  const [now, end] = (await page.textContent('#toolbar-time')).split(' / ');
  assert.ok(now !== end, `stopped at ${now} of ${end}`);
  assert.notEqual(await page.getAttribute('#status', 'class'), 'status done', 'stopped before its end');
  assert.equal((await page.textContent('#play')).trim(), 'Play');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the Duration control sets the run end, and a share link carries it', async () => {
  const page = await openPage(browser, server.url);
  await setControl(page, '#duration', 5000);
  await page.waitForFunction(() => document.querySelector('#toolbar-time').textContent.endsWith('/ 5.000 s'));
  assert.equal(await page.getAttribute('#time-slider', 'max'), '5000');
  await setControl(page, '#duration', -3);
  await page.waitForSelector('#error-banner');
  assert.match(await page.textContent('#error-banner'), /duration_ms/);
  assert.equal(await page.inputValue('#duration'), '5000', 'a refused duration puts the control back');
  await page.click('#share');
  const link = await page.inputValue('#share-link');
  const other = await openPage(browser, link);
  assert.equal(await other.inputValue('#duration'), '5000');
  assert.ok((await other.textContent('#toolbar-time')).endsWith('/ 5.000 s'));
  await page.close();
  await other.close();
});

test('the toolbar stays in view after scrolling at 1280×800', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForSelector('#toolbar');
  await page.evaluate(() => window.scrollTo(0, 10000));
  await page.mouse.move(640, 500);
  await page.mouse.wheel(0, 3000);
  await page.waitForTimeout(200);
  const box = await page.$eval('#toolbar', (el) => el.getBoundingClientRect().toJSON());
  assert.ok(box.top >= 0 && box.bottom <= 800, `toolbar in the viewport: ${JSON.stringify(box)}`);
  assert.ok(await page.isVisible('#play') && await page.isVisible('#time-slider'));
  await screenshot(page, 'timeline-toolbar-1280');
  await context.close();
});

test('the results show control packets per delivery over the whole run and up to the last delivery, as the CLI reports', async () => {
  const cli = join(root, 'target', 'release', 'mcast');
  assert.ok(existsSync(cli), `build the CLI first: cargo build --release --bin mcast (${cli})`);
  const report = JSON.parse(execFileSync(cli, ['run', join(root, 'scenarios', 'tree.json')], { encoding: 'utf8' }));
  const page = await openPage(browser, server.url);
  await preset(page, 'tree.json', 'tree');
  assert.equal(await finish(page), report.trace_hash);
  const per = (n) => (n / report.deliveries).toFixed(2);
  assert.equal(await page.textContent('#result-control'), per(report.traffic.control_packets));
  assert.equal(await page.textContent('#result-control_window'), per(report.traffic_to_last_delivery.control_packets));
  assert.ok(report.traffic_to_last_delivery.control_packets < report.traffic.control_packets / 4,
    'a tree\'s heartbeats after its last delivery are left out of the window');
  await page.close();
});
