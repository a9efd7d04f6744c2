// Browser tests of views 4–8 (issue 4): gate heatmaps, parameter gradients
// and clipping, spectrum, activation, deep MLP. Each reads the view's data
// table (data-testid = view id + "-data") or its canvas pixels, so it fails
// if a view shows the wrong gates, plots a norm clipping did not allow, or
// draws nothing. Run with the rest: `npm test` in e2e/ (serves ../dist).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, ready, stepCount } from '../lib/harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A plain RNN that blows up within a few steps of Play. */
const EXPLODING =
  '#model=rnn&activation=relu&init-recurrent=orthogonal&spectral-radius=3&clip-mode=none&learning-rate=10&optimizer=sgd&seq-len=50';

const untilDiverged = (page, timeout) =>
  page.waitForFunction(() => document.querySelector('[data-testid=status]')?.dataset.state === 'diverged', null, {
    timeout,
  });

/** Until the MLP view's table caption says "step N" with N matching `pattern`. */
const untilMlpStep = (page, pattern, timeout) =>
  page.waitForFunction(
    (p) =>
      new RegExp(`step ${p}\\b`).test(document.querySelector('[data-testid=mlp-grads-data] caption')?.textContent ?? ''),
    pattern,
    { timeout },
  );

async function open(hash) {
  const { page, context, problems } = await openPage(browser, server.url);
  await page.goto(server.url + hash);
  await ready(page);
  return { page, context, problems };
}

/** Trains for `ms`, then pauses and lets the throttled views catch up. */
async function train(page, ms) {
  await page.getByTestId('play').click();
  await page.waitForTimeout(ms);
  await page.getByTestId('pause').click();
  await page.waitForTimeout(700);
}

/** Pixels of a canvas that are neither white nor transparent, and how many
 *  distinct colours it holds (up to 64). */
async function ink(locator) {
  // Views draw only on screen: bring it into sight and give it a frame or two.
  await locator.scrollIntoViewIfNeeded();
  await locator.page().waitForTimeout(300);
  return locator.evaluate((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    const colours = new Set();
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 0 && (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235)) n++;
      if (colours.size < 64) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    }
    return { n, colours: colours.size, w: c.width, h: c.height };
  });
}

const panels = (page) =>
  page.getByTestId('gate-heatmap').locator('.gate-panel').evaluateAll((els) =>
    els.map((e) => ({ gate: e.dataset.gate, title: e.querySelector('.gate-title').textContent })),
  );

test('an LSTM shows five gate heatmaps and a GRU its own three', async () => {
  const { page, context, problems } = await open('#model=lstm');
  let shown = await panels(page);
  assert.deepEqual(shown.map((p) => p.gate), ['i', 'f', 'g', 'o', 'c']);
  assert.match(shown[0].title, /input gate/);
  assert.match(shown[1].title, /forget gate/);
  assert.match(shown[3].title, /output gate/);
  assert.match(shown[4].title, /cell state/);
  const rows = await page.getByTestId('gate-heatmap-data').locator('tr[data-gate]').count();
  assert.equal(rows, 5);

  await page.goto(server.url + '#model=gru');
  await ready(page);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=gate-heatmap] .gate-panel').length === 3,
  );
  shown = await panels(page);
  assert.deepEqual(shown.map((p) => p.gate), ['r', 'z', 'n']);
  assert.match(shown[0].title, /reset gate/);
  assert.match(shown[1].title, /update gate/);
  // Each heatmap is one pixel per (unit, time step): 32 units × 20 steps.
  const canvas = page.getByTestId('gate-heatmap').locator('canvas').first();
  const px = await ink(canvas);
  assert.deepEqual([px.w, px.h], [20, 32]);
  assert.ok(px.colours > 8, `a heatmap, not a flat fill (${px.colours} colours)`);

  // The plain RNN has no gates and says so, showing h_t instead.
  await page.goto(server.url + '#model=rnn');
  await ready(page);
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid=gate-heatmap] .gate-panel').length === 1,
  );
  shown = await panels(page);
  assert.equal(shown[0].gate, 'h');
  assert.match(shown[0].title, /no gates/);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('norm clipping at 1 keeps every plotted post-clipping norm at or below 1', async () => {
  // ReLU with spectral radius 2: gradients well above 1, so clipping fires.
  const { page, context, problems } = await open(
    '#model=rnn&activation=relu&spectral-radius=2&clip-mode=norm&clip-threshold=1&learning-rate=0.01',
  );
  await train(page, 2500);
  const steps = await stepCount(page);
  assert.ok(steps > 20, `trained ${steps} steps`);
  const table = page.getByTestId('param-grads-data');
  const cells = (kind) =>
    table.locator(`td[data-kind="${kind}"]`).evaluateAll((tds) => tds.map((td) => Number(td.textContent)));
  const after = await cells('after');
  const globalAfter = await cells('global-after');
  const before = await cells('global-before');
  assert.ok(after.length > 20, `${after.length} plotted post-clipping norms`);
  for (const v of [...after, ...globalAfter]) {
    assert.ok(Number.isFinite(v) && v <= 1 + 1e-9, `post-clipping norm ${v} > 1`);
  }
  // Not vacuous: clipping had something to do, and the table says it fired.
  assert.ok(Math.max(...before) > 1, `largest norm before clipping ${Math.max(...before)}`);
  const fired = await table
    .locator('tbody tr')
    .evaluateAll((trs) => trs.filter((tr) => tr.children[2].textContent === 'true').length);
  assert.ok(fired > 0, 'clipping fired at least once');
  // The history ends at the step the page shows.
  const lastStep = await table.locator('tbody tr').last().locator('td').nth(1).textContent();
  assert.equal(Number(lastStep), steps);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the spectrum at initialisation shows the chosen spectral radius', async () => {
  const { page, context } = await open('#model=rnn&init-recurrent=orthogonal&spectral-radius=3');
  const row = page.getByTestId('spectrum-data').locator('tr[data-when="current"] td');
  await row.first().waitFor({ state: 'attached' });
  assert.equal(await row.nth(1).textContent(), '0', 'step 0: before training');
  const rho = Number(await row.nth(2).textContent());
  assert.ok(Math.abs(rho - 3) < 1e-3, `ρ = ${rho}`);
  // Orthogonal × 3: every singular value is 3 as well.
  const sv = (await row.nth(5).textContent()).split(' ').map(Number);
  assert.equal(sv.length, 32);
  for (const s of sv) assert.ok(Math.abs(s - 3) < 1e-3, `σ = ${s}`);
  await context.close();
});

test('the activation view marks max φ′ = 0.25 for sigmoid', async () => {
  const { page, context } = await open('#model=rnn&activation=sigmoid');
  const rows = page.getByTestId('activation-plot-data').locator('tr[data-function="sigmoid"]');
  await rows.first().waitFor({ state: 'attached' });
  const cells = await rows.first().locator('td').allTextContents();
  assert.equal(cells[2], '0.25');
  // The histogram holds every pre-activation of the trace: 20 steps × 32 units
  // (outliers beyond the axis are not binned, so at most that many).
  const counts = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.children[7].textContent)));
  const total = counts.reduce((a, b) => a + b, 0);
  assert.ok(total > 0 && total <= 640, `binned ${total}`);
  await context.close();
});

test('the deep MLP loses its gradient with sigmoid and keeps it with residual connections', async () => {
  const { page, context, problems } = await open('');
  const view = page.getByTestId('mlp-grads');
  await view.scrollIntoViewIfNeeded();
  const ratio = async () => {
    const rows = await page
      .getByTestId('mlp-grads-data')
      .locator('tr[data-layer]')
      .evaluateAll((trs) => trs.map((tr) => Number(tr.children[2].textContent)));
    return { layers: rows.length, ratio: rows[0] / rows[rows.length - 1] };
  };
  const plain = await ratio();
  assert.equal(plain.layers, 20);
  assert.ok(plain.ratio < 1e-4, `sigmoid × 20 layers: ratio ${plain.ratio}`);
  await page.getByTestId('mlp-residual').check();
  await page.waitForFunction(() =>
    document.querySelector('[data-testid=mlp-grads-data] caption')?.textContent.includes('residual on'),
  );
  const res = await ratio();
  assert.ok(res.ratio > 1e-2, `residual: ratio ${res.ratio}`);
  // Training runs over the next frames and the table follows.
  await page.getByTestId('mlp-train').click();
  await untilMlpStep(page, '[1-9]\\d*', 10_000);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the deep MLP trains in the same loop as the recurrent run: both advance, and Pause stops only the RNN', async () => {
  const { page, context, problems } = await open('');
  const mlpStep = () =>
    page.evaluate(() => {
      const m = /step (\d+)/.exec(document.querySelector('[data-testid=mlp-grads-data] caption')?.textContent ?? '');
      return m ? Number(m[1]) : 0;
    });
  await page.getByTestId('play').click();
  await page.getByTestId('mlp-train').click();
  await untilMlpStep(page, '[1-9]\\d*', 10_000);
  const rnnBefore = await stepCount(page);
  await page.waitForTimeout(300);
  assert.ok((await stepCount(page)) > rnnBefore, 'the RNN keeps training while the MLP trains');
  await page.getByTestId('pause').click();
  const paused = await stepCount(page);
  // The MLP's 200 steps go on after the RNN's Pause, to the last one.
  await untilMlpStep(page, '200', 20_000);
  assert.equal(await stepCount(page), paused, 'Pause stopped the RNN');
  assert.equal(await mlpStep(), 200);
  assert.equal(await page.getByTestId('mlp-train').isDisabled(), false, 'Train is offered again');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('a blow-up of the recurrent run does not stop the MLP steps asked for', async () => {
  const { page, context, problems } = await open(
    EXPLODING,
  );
  await page.getByTestId('mlp-train').click();
  await page.getByTestId('play').click();
  await untilDiverged(page, 20_000);
  await untilMlpStep(page, '200', 20_000);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('each of these views draws something', async () => {
  const { page, context, problems } = await open('#model=lstm');
  await train(page, 1200);
  for (const id of ['gate-heatmap', 'param-grads', 'spectrum', 'activation-plot', 'mlp-grads']) {
    const canvases = page.getByTestId(id).locator('canvas');
    const n = await canvases.count();
    assert.ok(n > 0, `${id} has a canvas`);
    for (let i = 0; i < n; i++) {
      const px = await ink(canvases.nth(i));
      const min = id === 'gate-heatmap' ? px.w * px.h * 0.5 : 500;
      assert.ok(px.n > min, `${id} canvas ${i} has ink (${px.n} of ${px.w}×${px.h})`);
    }
  }
  assert.deepEqual(problems.console, []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('after a blow-up every one of these views still draws, with no panic', async () => {
  const { page, context, problems } = await open(
    EXPLODING,
  );
  await page.getByTestId('play').click();
  await untilDiverged(page, 15_000);
  for (const id of ['gate-heatmap', 'param-grads', 'spectrum', 'activation-plot']) {
    const px = await ink(page.getByTestId(id).locator('canvas').first());
    assert.ok(px.n > 0, `${id} still draws after the blow-up`);
  }
  // The spectrum says how far the radius grew from its initial 3.
  const rho = Number(
    await page.getByTestId('spectrum-data').locator('tr[data-when="initial"] td').nth(2).textContent(),
  );
  assert.ok(Math.abs(rho - 3) < 1e-3, `initial ρ = ${rho}`);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(
    problems.console.filter((m) => /panic|unreachable/i.test(m)),
    [],
  );
  await context.close();
});
