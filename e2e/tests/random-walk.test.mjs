// A student clicks everything in every order (issue 13): a seeded random
// walk of 500 actions over every button, menu, slider, box, key, the
// language switch and the comparison, in headless Chromium. No console
// error, no panic, and the page still answers a click at the end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, ready, stepCount } from '../lib/harness.mjs';

const env = useBrowser({ before, after });

/** xorshift32: the same walk every run. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >> 17;
    s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
}

test('500 random actions break nothing', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url);
  await ready(page);
  const random = rng(20261201);
  const pick = (xs) => xs[Math.floor(random() * xs.length)];
  const done = {};
  for (let n = 0; n < 500; n++) {
    // What is on the page now: enabled, visible controls of each kind.
    const kind = pick(['button', 'button', 'select', 'select', 'range', 'number', 'checkbox', 'key', 'scroll']);
    try {
      if (kind === 'button') {
        const buttons = await page.locator('button:visible:enabled').all();
        if (buttons.length) await pick(buttons).click({ timeout: 1000 });
      } else if (kind === 'select') {
        const selects = await page.locator('select:visible:enabled').all();
        if (selects.length) {
          const s = pick(selects);
          const values = await s.locator('option').evaluateAll((o) => o.map((x) => x.value));
          if (values.length) await s.selectOption(pick(values), { timeout: 1000 });
        }
      } else if (kind === 'range') {
        const ranges = await page.locator('input[type=range]:visible:enabled').all();
        if (ranges.length) {
          const r = pick(ranges);
          const [min, max] = await r.evaluate((e) => [Number(e.min), Number(e.max)]);
          // Mostly small values, so the walk stays quick; now and then the top.
          const v = random() < 0.1 ? max : Math.round(min + (Math.min(max, 40) - min) * random());
          await r.fill(String(v), { timeout: 1000 });
        }
      } else if (kind === 'number') {
        const boxes = await page.locator('input[type=number]:visible:enabled, input[type=text]:visible:enabled, textarea:visible:enabled').all();
        if (boxes.length) {
          const b = pick(boxes);
          // Set as a user's paste would arrive (a number box takes what the
          // browser lets through), then the change event.
          const text = pick(['7', '-1', '1e99', 'abc', '<b>x</b>', '中文', '', '99999999999999999999', '0.5']);
          await b.evaluate((el, v) => {
            el.value = v;
            el.dispatchEvent(new Event('input', { bubbles: true }));
            el.dispatchEvent(new Event('change', { bubbles: true }));
          }, text);
        }
      } else if (kind === 'checkbox') {
        const boxes = await page.locator('input[type=checkbox]:visible:enabled').all();
        if (boxes.length) await pick(boxes).click({ timeout: 1000 });
      } else if (kind === 'key') {
        await page.keyboard.press(pick(['ArrowRight', 'ArrowLeft', 'Space', 'Escape', 'PageDown', 'PageUp', 'Tab', 'Enter']));
      } else {
        const views = await page.locator('.views > *').all();
        if (views.length) await pick(views).scrollIntoViewIfNeeded({ timeout: 1000 });
      }
      done[kind] = (done[kind] ?? 0) + 1;
    } catch (e) {
      // An element that went away between finding and clicking is the
      // page changing under a fast student, not a failure.
      if (!/Timeout|detached|not attached|not visible|not enabled|outside of the viewport|intercepts pointer/i.test(String(e))) throw e;
    }
    if (n % 50 === 0) await page.waitForTimeout(50);
    assert.deepEqual(problems.pageErrors, [], `after action ${n} (${kind})`);
  }
  const total = Object.values(done).reduce((a, b) => a + b, 0);
  assert.ok(total >= 400, `actions taken: ${JSON.stringify(done)}`);
  // Still answering: a fresh default run steps.
  await page.goto(`${env.server.url}#seq-len=10`);
  await ready(page);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]').textContent === '1');
  assert.equal(await stepCount(page), 1);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  console.log(`random walk: ${JSON.stringify(done)}`);
  await context.close();
});
