// A screenshot of the page after a few seconds of training, for the README
// and for judging the layout at projector size.
//   node screenshot.mjs [out.png] [--hash '#model=lstm…'] [--size 1280x720] [--train 3000]
//                       [--locale zh-CN] [--full] [--view testid] [--click testid,testid…]
// --view scrolls to that element and shoots it alone; --click clicks those
// test ids in turn first (e.g. the BP network's parts).
// Serves ../dist (build it first: `trunk build --release`).

import { serve, launch, openPage, ready } from './lib/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const hash = opt('--hash', '');
const [width, height] = opt('--size', '1280x720').split('x').map(Number);
const trainMs = Number(opt('--train', '3000'));
const locale = opt('--locale', 'en-US');
const full = args.includes('--full') ? (args.splice(args.indexOf('--full'), 1), true) : false;
const view = opt('--view', '');
const clicks = opt('--click', '').split(',').filter(Boolean);
const out = args[0] ?? '../docs/screenshot.png';

const server = await serve();
const browser = await launch();
try {
  const { page, problems } = await openPage(browser, server.url, { width, height, locale });
  await page.goto(server.url + hash);
  await ready(page);
  if (trainMs > 0) {
    await page.getByTestId('play').click();
    await page.waitForTimeout(trainMs);
    if ((await page.getByTestId('status').getAttribute('data-state')) === 'running') {
      await page.getByTestId('pause').click();
    }
  }
  for (const id of clicks) {
    await page.locator(`[data-testid="${id}"]`).first().click();
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(300);
  if (view) {
    const el = page.locator(`[data-testid="${view}"]`).first();
    await el.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await el.screenshot({ path: out });
  } else {
    await page.screenshot({ path: out, fullPage: full });
  }
  console.log(`wrote ${out} (${width}×${height})`);
  for (const [k, v] of Object.entries(problems)) if (v.length) console.log(`  ${k}:`, v);
} finally {
  await browser.close();
  await server.close();
}
