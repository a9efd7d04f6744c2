// Links and controls go through one table (issue 8): a hostile link injects
// nothing and is named, a setting the model ignores rebuilds nothing, and
// Pause stops Steps still queued on a big model.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, ready, stepCount, state, stepTo } from '../lib/harness.mjs';

const env = useBrowser({ before, after });

test('a hostile link injects nothing and its keys are named as text', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.exposeFunction('pwned', () => problems.pageErrors.push('injected script ran'));
  const evil = '<img src=x onerror=window.pwned()>';
  const key = `"k'<b>${evil}`;
  const value = `'v"<script>window.pwned()</script>${evil}`;
  await page.goto(`${env.server.url}#${encodeURIComponent(key)}=1&model=${encodeURIComponent(value)}&seed=5`);
  await ready(page);
  const notice = page.getByTestId('notice');
  await notice.waitFor();
  await page.waitForTimeout(300);
  // Shown as text, never as markup.
  assert.equal(await notice.locator('img, script, b').count(), 0);
  const text = await notice.textContent();
  assert.ok(text.includes("\"k'<b><img"), `the key is named: ${text}`);
  assert.ok(text.includes('model'), `the bad value's key is named: ${text}`);
  assert.ok(text.includes("'v\"<script>"), `the bad value is shown as text: ${text}`);
  assert.equal(await page.getByTestId('seed').inputValue(), '5', 'the good value is kept');
  assert.equal(await page.locator('img[src=x]').count(), 0);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('changing the activation of an LSTM keeps its run: the gates have their own functions', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#model=lstm&seq-len=10`);
  await ready(page);
  for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=step-count]').textContent === '3');
  await page.getByTestId('activation').selectOption('relu');
  await page.waitForFunction(() => location.hash.includes('activation=relu'));
  assert.equal(await stepCount(page), 3, 'no rebuild for a setting the model ignores');
  // A plain RNN does use it: there it rebuilds.
  await page.getByTestId('model').selectOption('rnn');
  assert.equal(await stepCount(page), 0);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('Pause stops Steps still queued on a big model', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  // 2.6 GFLOP a step: each Step spans many frames.
  await page.goto(`${env.server.url}#model=lstm&hidden=128&seq-len=200&batch-size=32`);
  await ready(page);
  for (let i = 0; i < 4; i++) await page.getByTestId('step').click();
  assert.ok(await page.getByTestId('pause').isEnabled(), 'Pause can be pressed while Steps are queued');
  await page.getByTestId('pause').click();
  const at = await stepCount(page);
  // A step already under way is kept for the next Play or Step, not
  // finished now: nothing moves after Pause.
  await page.waitForTimeout(2500);
  assert.equal(await stepCount(page), at, 'no queued Step runs after Pause');
  assert.ok(at < 4, `Pause came before the four Steps were done (${at})`);
  assert.equal(await state(page), 'paused');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a net whose forward pass overflows says so at step 0, with a remedy that works', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#activation=identity&spectral-radius=5&seq-len=200`);
  await ready(page);
  assert.equal(await state(page), 'diverged');
  const box = page.getByTestId('diverged');
  assert.ok(await box.isVisible());
  assert.equal(await box.getAttribute('data-cause'), 'forward');
  const text = await box.textContent();
  assert.match(text, /diverged at step 0: the activations overflowed in the forward pass at time step t = \d+/);
  assert.doesNotMatch(text, /gradient exploded/, 'not blamed on the gradient');
  assert.match(text, /spectral radius below 1/);
  // The remedy offered works: a trainable net, ready at step 0.
  await page.getByTestId('diverged-fix').click();
  assert.equal(await state(page), 'idle');
  assert.match(page.url(), /activation=tanh/);
  assert.match(page.url(), /spectral-radius=0.9/);
  await page.getByTestId('step').click();
  assert.equal(await stepTo(page, 1), 1);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the deep MLP view\'s settings are in the link and survive a reload', async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url);
  await ready(page);
  await page.getByTestId('mlp-grads').scrollIntoViewIfNeeded();
  await page.getByTestId('mlp-depth').selectOption('50');
  await page.getByTestId('mlp-activation').selectOption('relu');
  await page.getByTestId('mlp-bn').check();
  await page.waitForFunction(() => location.hash.includes('mlp-bn=on'));
  assert.match(page.url(), /mlp-depth=50&mlp-activation=relu/);
  await page.reload();
  await ready(page);
  assert.equal(await page.getByTestId('mlp-depth').inputValue(), '50');
  assert.equal(await page.getByTestId('mlp-activation').inputValue(), 'relu');
  assert.ok(await page.getByTestId('mlp-bn').isChecked());
  // A refused value from a control gets the notice a link gets.
  await page.getByTestId('learning-rate').evaluate((s) => {
    const o = document.createElement('option');
    o.value = '1e300';
    s.appendChild(o);
    s.value = '1e300';
    s.dispatchEvent(new Event('change', { bubbles: true }));
  });
  const notice = page.getByTestId('notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /learning-rate/);
  assert.match(await notice.textContent(), /1e300/);
  assert.doesNotMatch(page.url(), /1e300/, 'the address bar keeps a link the parser accepts');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
