// The protocol's overlay on the real page: gossip over Cyclon views draws each node's view as
// faint active links (pixels of that colour present with the overlay on, absent with it off and
// for a flat protocol), hovering a node highlights its links and lists them in its tooltip (the
// same nodes as the inspector's view), and the legend lists only the kinds present.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launch, openPage, screenshot, loadScenario, nodePoint } from './harness.mjs';

let server;
let browser;
before(async () => { server = await serveDist(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const BACKGROUND = [0x0e, 0x14, 0x20];
/** An overlay kind's colour over the background, as src/web/overlay_draw.rs blends it. */
function blended(rgb, alpha) {
  return rgb.map((c, i) => Math.floor(BACKGROUND[i] * (1 - alpha) + c * alpha + 0.5));
}
const ACTIVE = [140, 160, 195];
const ACTIVE_FAINT = blended(ACTIVE, 0.22);

/** `size` nodes on a disk running gossip, over Cyclon views of `view` entries (or uniform peers
 * without `view`), one message. */
function scenario(size, view) {
  const peers = view ? { peers: 'cyclon', view_size: view } : {};
  return {
    version: 2, seed: 3,
    group: { size, sender: 0, layout: 'disk' },
    network: { latency_ms: 5, distance_ms: 10, jitter_ms: 0, loss: 0 },
    protocol: { kind: 'gossip', ...peers },
    workload: { messages: 1, size_bytes: 1000, interval_ms: 100 },
    duration_ms: 3000,
  };
}

/** How many canvas pixels are exactly `rgb`. */
async function pixels(page, rgb) {
  return page.$eval('#stage', (c, want) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === want[0] && d[i + 1] === want[1] && d[i + 2] === want[2]) n++;
    return n;
  }, rgb);
}

/** How many canvas pixels are not the background. */
async function drawn(page) {
  return page.$eval('#stage', (c, bg) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] !== bg[0] || d[i + 1] !== bg[1] || d[i + 2] !== bg[2]) n++;
    return n;
  }, BACKGROUND);
}

/** Moves the pointer over node `n` of `s` (placed as the canvas draws it). */
async function hover(page, s, n) {
  const [x, y] = await nodePoint(page, s, n);
  await page.mouse.move(x, y);
  await page.waitForSelector('#node-tooltip');
}

const texts = (page, sel) => page.$$eval(sel, (els) => els.map((e) => e.textContent.trim()));

test('Cyclon views are drawn as active links, hover lists a node\'s, the toggle hides them', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForFunction(() => window.wasmBindings?.Simulation !== undefined);
  // 2,000 nodes: the pixel renderer, whose colours are exact.
  const s = scenario(2000, 6);
  await loadScenario(page, s);
  await page.waitForTimeout(100);
  assert.ok(await pixels(page, ACTIVE_FAINT) > 20000, 'faint active links drawn');
  const legend = await texts(page, '#legend li[id^=legend-overlay]');
  assert.equal(legend.length, 1, 'the legend lists the one kind present');
  assert.match(legend[0], /^overlay link \(active view\)( \(one in \d+ drawn at this size\))?$/);
  assert.equal(await page.getAttribute('#toggle-overlay', 'aria-pressed'), 'true');
  // Hover node 5: its own links are highlighted (opaque), and its tooltip lists them.
  assert.equal(await pixels(page, ACTIVE), 0, 'nothing highlighted yet');
  await hover(page, s, 5);
  await page.waitForTimeout(100);
  assert.ok(await pixels(page, ACTIVE) > 100, 'the hovered node\'s links highlighted');
  const line = await page.textContent('#node-tooltip .tooltip-links[data-link=active]');
  const m = line.trim().match(/^overlay link \(active view\) \((\d+)\): ([\d, ]+)$/);
  assert.ok(m, line);
  const listed = m[2].split(', ').map(Number);
  assert.equal(Number(m[1]), listed.length);
  assert.ok(listed.length >= 1 && listed.length <= 6 && !listed.includes(5), line);
  // The same nodes as the inspector's view of node 5.
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#inspector')?.dataset.node === '5');
  const view = (await page.textContent('#inspect-link-view')).split(', ').map(Number);
  assert.deepEqual(view, listed, 'tooltip and inspector agree');
  await screenshot(page, 'overlay-cyclon-2000');
  // Off: no overlay pixels, no legend entry; the button says so.
  await page.click('#toggle-overlay');
  await page.waitForTimeout(100);
  assert.equal(await page.getAttribute('#toggle-overlay', 'aria-pressed'), 'false');
  assert.equal(await pixels(page, ACTIVE_FAINT), 0, 'overlay hidden');
  assert.deepEqual(await texts(page, '#legend li[id^=legend-overlay]'), []);
  await page.click('#toggle-overlay');
  await page.waitForTimeout(100);
  assert.ok(await pixels(page, ACTIVE_FAINT) > 20000, 'shown again');
  // A flat protocol (gossip over the whole membership): nothing to draw, no button, no entry.
  await loadScenario(page, scenario(2000));
  await page.waitForTimeout(100);
  assert.equal(await pixels(page, ACTIVE_FAINT), 0);
  assert.equal(await page.$('#toggle-overlay'), null);
  assert.deepEqual(await texts(page, '#legend li[id^=legend-overlay]'), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a small group draws its overlay as canvas paths, and playing keeps it current', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForFunction(() => window.wasmBindings?.Simulation !== undefined);
  const s = scenario(300, 8);
  await loadScenario(page, s);
  await page.waitForTimeout(100);
  const on = await drawn(page);
  await page.click('#toggle-overlay');
  await page.waitForTimeout(100);
  const off = await drawn(page);
  assert.ok(on > off * 2, `the overlay covers the canvas: ${on} pixels drawn with it, ${off} without`);
  await page.click('#toggle-overlay');
  await page.click('#play');
  await page.waitForFunction(() => Number.parseFloat(document.querySelector('#sim-time').textContent) > 150);
  await page.click('#play');
  await hover(page, s, 7);
  assert.match(await page.textContent('#node-tooltip'), /^node 7 · .*overlay link \(active view\) \(\d+\): \d/);
  await screenshot(page, 'overlay-cyclon-300');
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** How many canvas pixels are cyan-ish, the colour of mesh and eager links (and of GOSSIP packets
 * in flight, which the overlay toggle leaves alone). */
async function cyan(page) {
  return page.$eval('#stage', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 90 && d[i + 1] > 110 && d[i + 2] > 120 && d[i + 2] - d[i] > 60) n++;
    return n;
  });
}

test('GossipSub: the mesh is drawn bright, listed on hover and in the legend', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForFunction(() => window.wasmBindings?.Simulation !== undefined);
  const s = {
    version: 2, seed: 1,
    group: { size: 400, sender: 0, layout: 'disk' },
    network: { latency_ms: 5, distance_ms: 40, jitter_ms: 2, loss: 0 },
    protocol: { kind: 'gossipsub' },
    workload: { messages: 1, size_bytes: 1000, interval_ms: 200, start_ms: 3000 },
    duration_ms: 6000,
  };
  await loadScenario(page, s);
  await page.waitForTimeout(100);
  await page.fill('#until-ms', '4500');
  await page.dispatchEvent('#until-ms', 'change');
  await page.waitForFunction(() => document.querySelector('#sim-time').textContent.startsWith('4500'));
  await page.waitForTimeout(100);
  const legend = await texts(page, '#legend li[id^=legend-overlay]');
  assert.ok(legend.includes('mesh link'), legend.join(' | '));
  const on = await cyan(page);
  await page.click('#toggle-overlay');
  await page.waitForTimeout(100);
  const off = await cyan(page);
  await page.click('#toggle-overlay');
  assert.ok(on > 3 * off + 500, `mesh links drawn: ${on} cyan pixels with the overlay, ${off} without`);
  await hover(page, s, 5);
  const line = await page.textContent('#node-tooltip .tooltip-links[data-link=mesh]');
  const m = line.trim().match(/^mesh link \((\d+)\): /);
  assert.ok(m && Number(m[1]) >= 4 && Number(m[1]) <= 12, `a mesh of degree D_lo..D_hi after warm-up: ${line}`);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#inspector')?.dataset.node === '5');
  assert.equal((await page.textContent('#inspect-link-mesh')).split(', ').length, Number(m[1]), 'inspector agrees');
  await screenshot(page, 'overlay-gossipsub-400');
  // Under 30 % non-forwarding attackers: the attackers are marked over the overlay.
  await loadScenario(page, { ...s, attackers: { fraction: 0.3, from_ms: 0 } });
  await page.waitForTimeout(100);
  await page.fill('#until-ms', '4500');
  await page.dispatchEvent('#until-ms', 'change');
  await page.waitForFunction(() => document.querySelector('#sim-time').textContent.startsWith('4500'));
  await page.waitForTimeout(100);
  assert.equal(await page.getAttribute('#stage', 'data-attackers'), '120');
  assert.ok((await texts(page, '#legend li[id^=legend-overlay]')).includes('mesh link'));
  await screenshot(page, 'overlay-gossipsub-400-attackers');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Plumtree over HyParView: eager links bright under the tree, lazy ones once pruned', async () => {
  const page = await openPage(browser, server.url);
  await page.waitForFunction(() => window.wasmBindings?.Simulation !== undefined);
  const s = {
    version: 2, seed: 1,
    group: { size: 300, sender: 0, layout: 'disk' },
    network: { latency_ms: 5, distance_ms: 40, jitter_ms: 2, loss: 0 },
    membership: { service: 'hyparview' },
    protocol: { kind: 'plumtree' },
    workload: { messages: 3, size_bytes: 1000, interval_ms: 500, start_ms: 2000 },
    duration_ms: 5000,
  };
  const until = async (ms) => {
    await page.fill('#until-ms', String(ms));
    await page.dispatchEvent('#until-ms', 'change');
    await page.waitForFunction((t) => document.querySelector('#sim-time').textContent.startsWith(String(t)), ms);
    await page.waitForTimeout(700); // the overlay is read again within 500 ms of the last move
  };
  await loadScenario(page, s);
  await page.waitForTimeout(100);
  await until(1500);
  // Before the first broadcast every neighbour is eager (Leitão et al. §3.3): no lazy link yet.
  assert.deepEqual(await texts(page, '#legend li[id^=legend-overlay]'),
    ['eager link (tree)', "tree (each node's upstream), over the overlay"]);
  await until(3000);
  assert.deepEqual(await texts(page, '#legend li[id^=legend-overlay]'),
    ['lazy link (IHAVE only)', 'eager link (tree)', "tree (each node's upstream), over the overlay"]);
  const on = await cyan(page);
  await page.click('#toggle-overlay');
  await page.waitForTimeout(100);
  const off = await cyan(page);
  await page.click('#toggle-overlay');
  assert.ok(on > 3 * off + 500, `eager links drawn: ${on} cyan pixels with the overlay, ${off} without`);
  await hover(page, s, 9);
  const lines = await page.$$eval('#node-tooltip .tooltip-links', (els) => els.map((e) => [e.dataset.link, e.textContent.trim()]));
  const count = (kind) => Number((lines.find(([k]) => k === kind)?.[1].match(/\((\d+)\): /) ?? [0, 0])[1]);
  assert.ok(count('eager') >= 1 && count('eager') + count('lazy') <= 5, `within the active view of 5: ${JSON.stringify(lines)}`);
  await page.mouse.down();
  await page.mouse.up();
  await page.waitForFunction(() => document.querySelector('#inspector')?.dataset.node === '9');
  assert.equal((await page.textContent('#inspect-link-eager')).split(', ').length, count('eager'), 'inspector agrees');
  await screenshot(page, 'overlay-plumtree-300');
  assert.deepEqual(page.errors, []);
  await page.close();
});
