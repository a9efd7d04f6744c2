// Browser tests of views 1–3 (issue 4): the unrolled graph with its
// step-through, the gradient through time and its history. Each test would
// fail if a view lied: the numbers are read from the page's own readouts and
// data tables, the drawings from the canvas pixels.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve, launch, openPage, ready } from '../lib/harness.mjs';

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

async function open(hash = '') {
  const { page, context, problems } = await openPage(browser, server.url);
  await page.goto(server.url + hash);
  await ready(page);
  await page.getByTestId('grad-ratio').waitFor();
  return { page, context, problems };
}

/** The ratio ‖∂L/∂h_1‖/‖∂L/∂h_T‖ the readout shows, once it has a value. */
async function ratio(page) {
  const el = page.getByTestId('grad-ratio');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=grad-ratio]')?.getAttribute('data-value'),
    null,
    { timeout: 10_000 },
  );
  return { value: Number(await el.getAttribute('data-value')), text: (await el.textContent()).trim() };
}

/** Pixels of a canvas that are not white / transparent. */
function ink(page, testid) {
  return page.getByTestId(testid).evaluate((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] > 0 && (px[i] < 235 || px[i + 1] < 235 || px[i + 2] < 235)) n++;
    }
    return { n, w: c.width, h: c.height };
  });
}

/** The rows of a hidden data table as arrays of cell texts. */
function rows(page, testid) {
  return page
    .getByTestId(testid)
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent.trim())));
}

const SIGMOID_SMALL = '#model=rnn&task=adding&activation=sigmoid&init-input=small&init-recurrent=small&seq-len=30';
const RELU_IDENTITY = '#model=rnn&task=adding&activation=relu&init-recurrent=identity&seq-len=30';

test('sigmoid with ×0.01 initialisation vanishes: ratio below 1e-4 at length 30', async () => {
  const { page, context, problems } = await open(SIGMOID_SMALL);
  for (const when of ['untrained', 'after 3 steps']) {
    const r = await ratio(page);
    assert.ok(r.value < 1e-4, `${when}: ratio ${r.value} (${r.text}) should be below 1e-4`);
    // The readout agrees with its own table: first and last row of the chart's data.
    const table = await rows(page, 'grad-through-time-data');
    assert.equal(table.length, 30, 'one row per time step');
    const last = Number(table[29][1]);
    assert.ok(last > 0, `‖∂L/∂h_T‖ = ${table[29][1]}`);
    const first = table[0][1];
    if (first === 'below f32 floor') {
      assert.match(r.text, /underflow/, 'an underflowed ratio says so instead of printing 0');
    } else {
      assert.ok(Math.abs(Number(first) / last - r.value) <= 0.06 * r.value, `${first}/${last} vs ${r.value}`);
    }
    if (when === 'untrained') for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
    await page.waitForTimeout(300);
  }
  // Underflowed steps are named as such, never as a plotted zero.
  const cells = (await rows(page, 'grad-through-time-data')).map((r) => r[1]);
  assert.ok(!cells.includes('0'), `no step shows an exact 0: ${cells.join(' ')}`);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('ReLU with identity initialisation keeps the ratio within two orders of magnitude of 1', async () => {
  const { page, context, problems } = await open(RELU_IDENTITY);
  for (const when of ['untrained', 'after one step']) {
    const r = await ratio(page);
    assert.ok(r.value > 1e-2 && r.value < 1e2, `${when}: ratio ${r.value} (${r.text})`);
    await page.getByTestId('step').click();
    await page.waitForTimeout(300);
  }
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('stepping backward moves the highlighted time step towards t = 1', async () => {
  const { page, context, problems } = await open('#model=rnn&task=adding&seq-len=12');
  const graph = page.getByTestId('unrolled-graph');
  // The graph is redrawn only on screen (a formula card or the lesson
  // panel may push it down): look at it, as a student does, then read.
  const cursor = async () => {
    await graph.scrollIntoViewIfNeeded();
    const t = await graph.getAttribute('data-cursor-t');
    let drawn;
    for (let i = 0; i < 40; i++) {
      drawn = await graph.locator('.ug-current').getAttribute('data-t');
      if (drawn === t) break;
      await page.waitForTimeout(50);
    }
    assert.equal(drawn, t, 'the drawn highlight is the announced one');
    return Number(t);
  };
  assert.equal(await graph.getAttribute('data-cursor-t'), '');
  // The backward pass starts where the loss hands over: t = T.
  await page.getByTestId('step-backward').click();
  assert.equal(await cursor(), 12);
  assert.equal(await graph.getAttribute('data-phase'), 'backward');
  let prev = 12;
  for (let i = 0; i < 4; i++) {
    await page.getByTestId('step-backward').click();
    const t = await cursor();
    assert.equal(t, prev - 1, 'one step towards t = 1');
    prev = t;
  }
  // The read-out names the gradient at the highlighted step and the factor it met.
  const details = await page.locator('.step-details').innerText();
  assert.match(details, /∂L\/∂h₈/);
  assert.match(details, /diag\(φ′\(a₉\)\)·W‖ = [0-9.e-]+/);
  // The keyboard does the same (← and →), and stops at t = 1.
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press('ArrowLeft');
  assert.equal(await cursor(), 7);
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
  assert.equal(await cursor(), 1);
  // Clicking a node highlights its step.
  await graph.locator('.ug-node[data-row="h"][data-t="3"]').click();
  assert.equal(await cursor(), 3);
  // Forward stepping starts again at t = 1 and moves towards T.
  await page.getByTestId('step-forward').click();
  assert.equal(await graph.getAttribute('data-phase'), 'forward');
  assert.equal(await cursor(), 1);
  await page.keyboard.press('ArrowRight');
  assert.equal(await cursor(), 2);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('space plays and pauses training, once per press', async () => {
  const { page, context } = await open();
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press(' ');
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('status').getAttribute('data-state'), 'running');
  await page.keyboard.press(' ');
  await page.waitForTimeout(100);
  assert.equal(await page.getByTestId('status').getAttribute('data-state'), 'paused');
  await context.close();
});

test('each view draws something and its data table matches the trace', async () => {
  const { page, context, problems } = await open('#model=lstm&task=adding&seq-len=40');
  await page.getByTestId('play').click();
  await page.waitForTimeout(1500);
  await page.getByTestId('pause').click();
  await page.waitForTimeout(400);

  // Unrolled graph: folded to fit, but every step in the table; LSTM lane.
  const graph = page.getByTestId('unrolled-graph');
  const nodes = await graph.locator('.ug-node[data-row="h"]').count();
  assert.ok(nodes >= 5 && nodes < 40, `h nodes drawn: ${nodes} (middle folded)`);
  assert.ok((await graph.locator('.ug-node[data-row="c"]').count()) > 0, 'LSTM draws its cell lane');
  assert.equal(await graph.locator('.ug-node[data-row="y"]').count(), 1, 'many-to-one: a single output');
  assert.match(await graph.locator('svg').textContent(), /same U, W, V at every step/);
  assert.equal((await rows(page, 'unrolled-graph-data')).length, 40);
  const firstNode = graph.locator('.ug-node[data-row="h"]').first();
  await firstNode.focus();
  assert.match(await page.locator('.ug-hover').innerText(), /h₁ .*‖·‖ = /);

  // Gradient through time: a drawn chart (charts draw once on screen).
  await page.getByTestId('grad-through-time').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const gtt = await ink(page, 'grad-through-time');
  assert.ok(gtt.n > 1000, `grad-through-time has ink (${gtt.n} px)`);
  const css = await page.getByTestId('grad-through-time').evaluate((c) => c.clientWidth * devicePixelRatio);
  assert.equal(gtt.w, Math.round(css), 'backing store at devicePixelRatio');
  assert.equal((await rows(page, 'grad-through-time-data')).length, 40);

  // History: one pixel per (sample, time step), coloured.
  await page.getByTestId('grad-history').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const hist = await ink(page, 'grad-history');
  assert.equal(hist.w, 40, 'one column per time step');
  assert.ok(hist.h >= 2, `several samples (${hist.h})`);
  assert.ok(hist.n >= hist.w * hist.h * 0.9, `heatmap coloured (${hist.n} of ${hist.w * hist.h})`);
  const histRows = await rows(page, 'grad-history-data');
  assert.equal(histRows.length, hist.h);
  const steps = histRows.map((r) => Number(r[0]));
  assert.ok(steps.every((s, i) => i === 0 || s > steps[i - 1]), `training steps increase: ${steps}`);

  // A reset clears the history down to the untrained probe.
  await page.getByTestId('reset').click();
  await page.waitForTimeout(400);
  const after = await rows(page, 'grad-history-data');
  assert.deepEqual(after.map((r) => r[0]), ['0']);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});
