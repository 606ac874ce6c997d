// Shared pieces of the browser tests: a static server for dist/, Debian's Chromium driven by
// Playwright, console-error capture and screenshots.
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
export const dist = join(root, 'dist');
export const shots = join(here, 'screenshots');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** Serves dist/ on a free loopback port; resolves to { url, close }. */
export async function serveDist() {
  if (!existsSync(join(dist, 'index.html'))) {
    throw new Error(`no build in ${dist}: run \`trunk build --release --offline\` (scripts/test.sh does)`);
  }
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, path === '/' ? 'index.html' : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** Debian's Chromium, headless, with the flags this closed network needs (see docs/toolchain.md). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A new page that records console errors and uncaught exceptions into `page.errors`. */
export async function openPage(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#stage');
  return page;
}

/** Saves a screenshot under tests/e2e/screenshots/ (git-ignored). */
export async function screenshot(page, name) {
  await mkdir(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`) });
}

/** The integer in a counter, e.g. "281 / 299" gives 281. */
export async function counter(page, id) {
  const text = await page.textContent(`#${id}`);
  return Number.parseInt(text.trim().split(/\s/)[0], 10);
}

/** Sets a control's value as a person would and fires its change event. */
export async function setControl(page, selector, value) {
  const tag = await page.$eval(selector, (el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(selector, String(value));
  else { await page.fill(selector, String(value)); await page.dispatchEvent(selector, 'change'); }
}

/** Runs the current scenario to its end and returns its final trace hash. */
export async function finish(page) {
  await page.click('#finish');
  await page.waitForSelector('#status.done');
  return (await page.textContent('#trace-hash')).trim();
}

/** Applies scenario `s` (an object) through the JSON editor, paused at time zero, and closes
 * the editor again. */
export async function loadScenario(page, s) {
  if (await page.textContent('#play') === 'Pause') await page.click('#play');
  await page.click('details.json summary');
  await page.fill('#scenario-json', JSON.stringify(s));
  await page.click('#apply-json');
  await page.waitForFunction((n) => document.querySelector('#subtitle').textContent.includes(`${n} nodes`), s.group.size);
  await page.click('details.json summary');
}

/** Where node `n` of scenario `s` is drawn on the group canvas, in page pixels: its place as
 * the engine gives it (through the JS API), framed as the canvas frames the unit square. */
export async function nodePoint(page, s, n) {
  await page.waitForFunction(() => window.wasmBindings?.Simulation !== undefined);
  const pos = await page.evaluate((sc) => [...new window.wasmBindings.Simulation(sc).positions()], s);
  await page.waitForTimeout(80); // a frame, so the canvas has its current size
  const box = await (await page.$('#stage')).boundingBox();
  const m = Math.min(box.width, box.height);
  const side = m - 2 * 0.03 * m;
  return [box.x + (box.width - side) / 2 + pos[2 * n] * side, box.y + (box.height - side) / 2 + pos[2 * n + 1] * side];
}
