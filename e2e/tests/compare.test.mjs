// Two runs side by side (issue 12): run B trains in lockstep with A on the
// same seed and batches; its differences are b.<key> rows of the link.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, ready, stepCount, state } from '../lib/harness.mjs';

const env = useBrowser({ before, after });

const stepsB = async (page) => Number(await page.getByTestId('step-count-b').textContent());

test('a comparison link trains two runs whose step counts stay equal', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=10&compare=on&b.activation=relu`);
  await ready(page);
  assert.ok(await page.getByTestId('compare').isChecked());
  assert.match(await page.getByTestId('b-diff').textContent(), /ReLU instead of tanh/);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) > 50);
  await page.getByTestId('pause').click();
  const a = await stepCount(page);
  assert.equal(await stepsB(page), a, 'lockstep: the same count');
  assert.notEqual(await page.getByTestId('loss-b').textContent(), await page.getByTestId('loss').textContent());
  // Step adds exactly one step to each.
  await page.getByTestId('step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count-b]').textContent) === n + 1, a);
  assert.equal(await stepCount(page), a + 1);
  // Two curves on the loss chart (B in its own colour).
  const purple = await page.getByTestId('loss-chart').evaluate((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (Math.abs(px[i] - 204) < 30 && Math.abs(px[i + 1] - 121) < 30 && Math.abs(px[i + 2] - 167) < 30) n++;
    return n;
  });
  assert.ok(purple > 50, `B's curve is drawn (${purple} px)`);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('with identical settings the two runs are identical', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=10&compare=on`);
  await ready(page);
  assert.match(await page.getByTestId('b-diff').textContent(), /same settings/);
  for (let i = 0; i < 5; i++) await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count-b]').textContent === '5');
  assert.equal(await page.getByTestId('loss-b').textContent(), await page.getByTestId('loss').textContent());
  await page.getByTestId('play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) > 100);
  await page.getByTestId('pause').click();
  assert.equal(await stepsB(page), await stepCount(page));
  assert.equal(await page.getByTestId('loss-b').textContent(), await page.getByTestId('loss').textContent());
  await context.close();
});

test('the remedy as a comparison: B unclipped explodes, A clipped goes on', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(
    `${env.server.url}#activation=relu&init-recurrent=orthogonal&spectral-radius=3&clip-mode=norm&clip-threshold=1&optimizer=sgd&learning-rate=0.1&seq-len=40&compare=on&b.clip-mode=none`,
  );
  await ready(page);
  assert.match(await page.getByTestId('b-diff').textContent(), /Gradient clipping: off instead of by norm/);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => /B diverged at step \d+/.test(document.querySelector('.compare').textContent), null, { timeout: 20_000 });
  assert.equal(await state(page), 'running', 'A goes on');
  const at = await stepsB(page);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) > n + 20, at);
  assert.equal(await stepsB(page), at, 'B stopped at its blow-up');
  await page.getByTestId('pause').click();
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('B is set from the page: a difference added, shown, in the link, and removed', async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=10`);
  await ready(page);
  await page.getByTestId('compare').check();
  await page.waitForFunction(() => location.hash.includes('compare=on'));
  await page.getByTestId('b-key').selectOption('init-recurrent');
  await page.getByTestId('b-value').selectOption('identity');
  await page.waitForFunction(() => location.hash.includes('b.init-recurrent=identity'));
  assert.match(await page.getByTestId('b-diff').textContent(), /identity instead of orthogonal/);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count-b]').textContent === '1');
  await page.getByTestId('b-remove').click();
  await page.waitForFunction(() => !location.hash.includes('b.init-recurrent'));
  assert.match(await page.getByTestId('b-diff').textContent(), /same settings/);
  await page.getByTestId('compare').uncheck();
  await page.waitForFunction(() => location.hash.includes('compare=off'));
  assert.ok(await page.getByTestId('b-diff').isHidden());
  await context.close();
});

test('the views show A or B', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=12&compare=on&b.activation=sigmoid&b.init-recurrent=small`);
  await ready(page);
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count-b]').textContent === '1');
  const ratio = () => page.getByTestId('grad-ratio').getAttribute('data-value');
  await page.getByTestId('grad-ratio').scrollIntoViewIfNeeded();
  const a = await ratio();
  await page.getByTestId('views-run').selectOption('b');
  await page.waitForFunction((before) => document.querySelector('[data-testid=grad-ratio]').dataset.value !== before, a);
  const b = await ratio();
  // B (sigmoid, ×0.01) vanishes by orders of magnitude more than A (tanh).
  assert.ok(Number(b) < Number(a) / 100, `B's ratio ${b} far below A's ${a}`);
  await page.getByTestId('views-run').selectOption('a');
  await page.waitForFunction((before) => document.querySelector('[data-testid=grad-ratio]').dataset.value === before, a);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
