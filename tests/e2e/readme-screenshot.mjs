// Makes docs/screenshot.png, the README's picture of the page (not a test): the preset with a
// crash near a tree's root, paused at 420 ms, one orphaned node inspected. Usage, after a
// release trunk build: node readme-screenshot.mjs
import { join } from 'node:path';
import { serveDist, launch, openPage, setControl, root } from './harness.mjs';

const server = await serveDist();
const browser = await launch();
try {
  const page = await openPage(browser, server.url);
  await page.evaluate(() => localStorage.setItem('mcast-playground-welcomed', '1'));
  await page.reload();
  await page.waitForSelector('#stage');
  await setControl(page, '#preset', 'tree-root-crash.json');
  if ((await page.textContent('#play')).trim() === 'Pause') await page.click('#play');
  await setControl(page, '#until-ms', 420);
  await page.waitForFunction(() => document.querySelector('#toolbar-time')?.textContent.startsWith('420'));
  await page.focus('#stage');
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowRight', 'Enter']) await page.keyboard.press(key);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(root, 'docs', 'screenshot.png') });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  await server.close();
}
