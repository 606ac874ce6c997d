// Browser benchmark (not a test): frames per second of the real page while a run animates, at
// several group sizes, in headless Chromium with software rendering. Usage (after a release
// trunk build): node bench-frames.mjs [sizes...]   e.g. node bench-frames.mjs 300 5000 20000
// PROTOCOL=tree (or srm, rmtp, gossip, ...) measures that protocol instead of centralized with ACKs;
// SPEED=0.1 animates at that speed instead of 1× (less simulation per frame: mostly drawing).
// PARAMS=peers=cyclon,view_size=5 sets the family's parameters (gossip over Cyclon views: an
// overlay to draw); OVERLAY=off hides the overlay; FROM_MS=3000 seeks there first and plays on
// (an overlay past its warm-up).
import { serveDist, launch, openPage, setControl } from './harness.mjs';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
const server = await serveDist();
const browser = await launch();
try {
  for (const n of sizes.length ? sizes : [300, 2000, 5000, 20000]) {
    const page = await openPage(browser, server.url);
    const protocol = process.env.PROTOCOL ?? 'centralized';
    await setControl(page, '#protocol', protocol);
    if (protocol === 'centralized') await setControl(page, '#param-reliable', 'true');
    for (const [name, value] of (process.env.PARAMS ?? '').split(',').filter(Boolean).map((p) => p.split('='))) {
      await setControl(page, `#param-${name}`, value);
    }
    await setControl(page, '#loss', 10);
    await setControl(page, '#group-size', n);
    await setControl(page, '#speed', process.env.SPEED ?? '1');
    if (process.env.OVERLAY === 'off') await page.click('#toggle-overlay');
    if (process.env.FROM_MS) {
      await page.fill('#until-ms', process.env.FROM_MS);
      await page.dispatchEvent('#until-ms', 'change');
      await page.waitForFunction((t) => Number.parseFloat(document.querySelector('#sim-time').textContent) >= Number(t), process.env.FROM_MS, { timeout: 120000 });
      await page.click('#play');
    }
    const stats = await page.evaluate(() => new Promise((done) => {
      const gaps = [];
      let last = performance.now();
      const t0 = last;
      function tick(now) {
        gaps.push(now - last);
        last = now;
        if (now - t0 < 3000) requestAnimationFrame(tick); else done(gaps);
      }
      requestAnimationFrame(tick);
    }));
    stats.sort((a, b) => a - b);
    const mean = stats.reduce((a, b) => a + b, 0) / stats.length;
    const p95 = stats[Math.floor(stats.length * 0.95)];
    console.log(JSON.stringify({ protocol: process.env.PROTOCOL ?? 'centralized', params: process.env.PARAMS ?? '', speed: process.env.SPEED ?? '1', nodes: n, frames: stats.length, fps: +(1000 / mean).toFixed(1), p95_frame_ms: +p95.toFixed(1) }));
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
