// Browser tests of the lesson's first chapters (issue 11): the perceptron
// converges on separable data and not on XOR; the BP network's four parts
// update every weight by θ − η·∂E/∂θ as the formula cards state, the cards
// showing the data table's numbers; the recurrent views' cards show the
// trace's numbers; and the in-page gradient check finds the true gradients
// of the BP net and of every cell type. Counts and numbers only: no
// wall-clock bound.

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
  const { page, context, problems } = await openPage(browser, server.url, { height: 900 });
  await page.goto(server.url + hash);
  await ready(page);
  return { page, context, problems };
}

/** The numbers of the formula card inside `scope`, by `data-name`. */
function cardNumbers(scope) {
  return scope.locator('[data-testid=formula-card]').evaluate((card) => {
    const out = {};
    for (const el of card.querySelectorAll('[data-name][data-value]')) {
      const k = el.getAttribute('data-name');
      if (!(k in out)) out[k] = Number(el.getAttribute('data-value'));
    }
    for (const el of card.querySelectorAll('[data-name][data-values]')) {
      out[el.getAttribute('data-name')] = el.getAttribute('data-values').split(',').map(Number);
    }
    out.subject = card.getAttribute('data-subject');
    return out;
  });
}

/** The BP table: name → { value, grad } (whole values from `data-value`). */
function bpTable(page) {
  return page.getByTestId('bp-net-data').evaluate((t) => {
    const out = {};
    for (const tr of t.querySelectorAll('tbody tr')) {
      const v = tr.querySelector('[data-kind=value]');
      const g = tr.querySelector('[data-kind=grad]');
      out[tr.getAttribute('data-name')] = {
        value: Number(v.getAttribute('data-value')),
        grad: g.hasAttribute('data-value') ? Number(g.getAttribute('data-value')) : null,
      };
    }
    return out;
  });
}

/** The weights and biases written on the BP diagram. */
function diagramParams(page) {
  return page.locator('[data-testid=bp-net] .bp-svg').evaluate((svg) => {
    const out = {};
    for (const g of svg.querySelectorAll('.bp-param')) {
      out[g.getAttribute('data-card')] = Number(g.querySelector('text').getAttribute('data-value'));
    }
    return out;
  });
}

test('the perceptron converges on separable blobs and never on XOR, and says why', async () => {
  const { page, context, problems } = await open('#perceptron-data=blobs');
  const view = page.getByTestId('perceptron');
  await view.scrollIntoViewIfNeeded();
  assert.equal(await view.getAttribute('data-state'), 'training');
  await page.getByTestId('perceptron-play').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=perceptron]').dataset.state !== 'training');
  assert.equal(await view.getAttribute('data-state'), 'converged');
  assert.match(await page.getByTestId('perceptron-status').textContent(), / 0 of 40 points/);
  assert.ok(await page.getByTestId('perceptron-step').isDisabled(), 'nothing left to update');
  await page.getByTestId('perceptron-reset').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=perceptron]').dataset.state === 'training');
  // One update: the card states w ← w + η·y·x with this run's numbers.
  await page.getByTestId('perceptron-step').click();
  const c = await cardNumbers(view);
  assert.match(c.subject, /^perceptron:/);
  for (const k of [1, 2]) {
    assert.equal(c[`dw${k}`], c.eta * c.y * c[`x${k}`], `η·y·x${k}`);
    assert.equal(c[`new:w${k}`], c[`w${k}`] + c[`dw${k}`], `w${k} ← w${k} + η·y·x${k}`);
  }
  assert.equal(c['new:b'], c.b + c.db);

  await page.getByTestId('perceptron-data').selectOption('xor');
  await page.waitForFunction(() => document.querySelector('[data-testid=perceptron]').dataset.state === 'training');
  await page.getByTestId('perceptron-step').click();
  assert.equal(await view.getAttribute('data-state'), 'not-converging');
  const why = await view.locator('.chapter-verdict').textContent();
  assert.match(why, /No straight line separates/);
  assert.match(why, /hidden layer/);
  // Play runs to its epoch limit and stays not converging.
  await page.getByTestId('perceptron-play').click();
  await page.waitForFunction(() => /epochs: 60 /.test(document.querySelector('[data-testid=perceptron-status]').textContent), null, { timeout: 60_000 });
  assert.equal(await view.getAttribute('data-state'), 'not-converging');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('the BP net\'s four parts: each in its order, every weight ← weight − η·gradient as the cards state', async () => {
  const { page, context, problems } = await open('#bp-hidden=3&bp-outputs=2&bp-lr=0.5');
  const view = page.getByTestId('bp-net');
  await view.scrollIntoViewIfNeeded();
  const eta = Number(await page.getByTestId('bp-lr').inputValue());
  assert.equal(eta, 0.5);
  // A whole step first, so the biases are no longer zero.
  await page.getByTestId('bp-step').click();
  const before = await diagramParams(page);
  assert.equal(Object.keys(before).length, 3 * 2 + 3 + 2 * 3 + 2, 'every weight and bias on the diagram');
  const order = ['bp-forward', 'bp-error', 'bp-backward', 'bp-bias'];
  for (const [i, id] of order.entries()) {
    // Only the next part is enabled; the whole step waits for the step under way.
    for (const [j, other] of order.entries()) {
      assert.equal(await page.getByTestId(other).isDisabled(), i !== j, `${other} while ${id} is next`);
    }
    assert.equal(await page.getByTestId('bp-step').isDisabled(), i > 0);
    await page.getByTestId(id).click();
    assert.equal(await view.getAttribute('data-next-part'), ['error', 'backward', 'bias', 'forward'][i]);
    if (id === 'bp-backward') {
      // Weights updated, biases not yet.
      const t = await bpTable(page);
      assert.equal(t.b_h1.grad, null);
      assert.notEqual(t.w_h1_x1.grad, null);
    }
  }
  const table = await bpTable(page);
  const after = await diagramParams(page);
  assert.equal(Object.keys(table).length, Object.keys(before).length, 'one row per weight and bias');
  for (const [name, row] of Object.entries(table)) {
    assert.notEqual(row.grad, null, name);
    assert.equal(after[name], row.value, `${name}: the diagram writes the table's value`);
    assert.equal(row.value, before[name] - eta * row.grad, `${name} = before − η·∂E/∂${name}`);
  }
  // The cards say the same, term by term.
  for (const name of ['w_h2_x1', 'w_y2_h3', 'b_h1', 'b_y2']) {
    await view.locator(`.bp-svg [data-card=${name}]`).click();
    const c = await cardNumbers(view);
    assert.equal(c.subject, name);
    assert.equal(c[`grad:${name}`], table[name].grad, `${name}: the card's gradient is the table's`);
    assert.equal(c[`new:${name}`], table[name].value, `${name}: the card's new value is the table's`);
    assert.equal(c[`old:${name}`], before[name], `${name}: the card's old value is the diagram's before`);
    assert.equal(c.eta, eta);
    assert.equal(c[`new:${name}`], c[`old:${name}`] - c.eta * c[`grad:${name}`]);
  }
  // A hidden unit's card: z = Σ w·x + b with the forward pass's weights.
  await view.locator('.bp-svg [data-card=h2]').click();
  const h = await cardNumbers(view);
  assert.equal(h.subject, 'h2');
  assert.equal(h['fwd:w_h2_x1'], before.w_h2_x1, 'the forward pass ran with the weights before the update');
  const diagramZ = Number(await view.locator('.bp-svg [data-card=h2] [data-name=z]').getAttribute('data-value'));
  assert.equal(h.z_h2, diagramZ);
  assert.ok(Math.abs(h['fwd:w_h2_x1'] * h.x1 + h['fwd:w_h2_x2'] * h.x2 + h['fwd:b_h2'] - h.z_h2) < 1e-12);
  assert.equal(h.delta_h2, table.b_h2.grad, 'δ_h2 is ∂E/∂b_h2');
  // Focus opens a card too (keyboard).
  await view.locator('.bp-svg [data-card=E]').focus();
  assert.equal((await cardNumbers(view)).subject, 'E');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

/** Runs the gradient check in `scope` and returns parameter → relative error. */
async function gradCheck(page, scope) {
  await scope.getByTestId('grad-check').click();
  const table = scope.getByTestId('grad-check-data');
  await table.waitFor({ timeout: 60_000 });
  return table.evaluate((t) =>
    Object.fromEntries([...t.querySelectorAll('tbody tr')].map((tr) => [tr.dataset.param, Number(tr.cells[1].dataset.value)])),
  );
}

test('the in-page gradient check finds the true gradients of the BP net', async () => {
  const { page, context, problems } = await open('#bp-activation=sigmoid');
  const view = page.getByTestId('bp-net');
  await view.scrollIntoViewIfNeeded();
  await page.getByTestId('bp-step').click();
  await page.getByTestId('bp-forward').click();
  const errors = await gradCheck(page, view);
  assert.deepEqual(Object.keys(errors), ['w_hx', 'b_h', 'w_yh', 'b_y']);
  for (const [p, e] of Object.entries(errors)) assert.ok(e < 1e-6, `${p}: relative error ${e}`);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the in-page gradient check finds the true gradients of RNN, LSTM and GRU, the page answering meanwhile', async () => {
  for (const model of ['rnn', 'lstm', 'gru']) {
    const { page, context, problems } = await open(`#model=${model}&hidden=8&seq-len=10`);
    const view = page.getByTestId('param-grads');
    await view.scrollIntoViewIfNeeded();
    await page.getByTestId('step').click();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 1);
    const errors = await gradCheck(page, view);
    const names = Object.keys(errors);
    assert.ok(names.includes('W') && names.includes('U') && names.includes('V'), `${model}: ${names}`);
    for (const [p, e] of Object.entries(errors)) assert.ok(e < 1e-6, `${model} ${p}: relative error ${e}`);
    assert.equal(await view.getByTestId('grad-check-data').locator('tr[data-verdict=agrees]').count(), names.length);
    assert.deepEqual(problems.pageErrors, [], model);
    await context.close();
  }
});

/** The unrolled graph's data table: t → cells (‖h_t‖, …, ‖∂L/∂h_t‖, factor). */
function graphTable(page) {
  return page.getByTestId('unrolled-graph-data').evaluate((d) => {
    const heads = [...d.querySelectorAll('thead th')].map((th) => th.textContent);
    const rows = {};
    for (const tr of d.querySelectorAll('tbody tr')) rows[tr.dataset.t] = [...tr.cells].map((c) => c.textContent);
    return { heads, rows };
  });
}

/** Equal to the table's rounding (3 significant digits, or 2 in e-notation). */
function sameAsShown(value, shown, what) {
  const s = Number(shown);
  assert.ok(Number.isFinite(s), `${what}: table shows ${shown}`);
  assert.ok(Math.abs(value - s) <= 0.051 * Math.abs(s) + 1e-300, `${what}: card ${value}, table ${shown}`);
}

test('a node of the unrolled graph opens h_t = φ(U·x_t + W·h_{t−1} + b) and the backward step with the trace\'s numbers', async () => {
  const { page, context, problems } = await open('#model=rnn&hidden=6&seq-len=8');
  const graph = page.getByTestId('unrolled-graph');
  await page.getByTestId('step').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=unrolled-graph]').dataset.step === '1');
  await graph.locator('.ug-node[data-row=h][data-t="3"]').click();
  let c = await cardNumbers(graph);
  assert.equal(c.subject, 'h:3');
  for (const k of ['Ux', 'Wh', 'b', 'a', 'h']) assert.equal(c[k].length, 6, k);
  for (let i = 0; i < 6; i++) {
    assert.ok(Math.abs(c.Ux[i] + c.Wh[i] + c.b[i] - c.a[i]) < 1e-5, `a = U·x + W·h + b, unit ${i}`);
    assert.ok(Math.abs(Math.tanh(c.a[i]) - c.h[i]) < 1e-6, `h = tanh(a), unit ${i}`);
  }
  const { heads, rows } = await graphTable(page);
  const hCol = heads.indexOf('‖h_t‖');
  sameAsShown(Math.hypot(...c.h), rows['3'][hCol], '‖h₃‖');
  // The backward phase: the card follows the cursor and shows the norms.
  await page.getByTestId('step-backward').click();
  await graph.locator('.ug-node[data-row=h][data-t="3"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=formula-card]')?.dataset.subject === 'dh:3');
  await graph.locator('[data-testid=formula-card] [data-name=factor]').waitFor();
  c = await cardNumbers(graph);
  const t2 = await graphTable(page);
  const gCol = t2.heads.indexOf('‖∂L/∂h_t‖');
  const fCol = t2.heads.indexOf('‖diag(φ′(a_t))·W‖');
  sameAsShown(c['norm:grad_h'], t2.rows['3'][gCol], '‖∂L/∂h₃‖');
  sameAsShown(c['norm:grad_h_next'], t2.rows['4'][gCol], '‖∂L/∂h₄‖');
  sameAsShown(c.factor, t2.rows['4'][fCol], '‖diag(φ′(a₄))·W‖');
  // Many-to-one: nothing but Wᵀ·δ₄ reaches h₃.
  assert.equal(c['norm:grad_back'], c['norm:grad_h']);
  assert.ok(c['norm:grad_back'] <= c.factor * c['norm:grad_h_next'] * (1 + 1e-5), '‖Wᵀ·δ‖ ≤ factor·‖∂L/∂h‖');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('a gate title and a clip mark open their equations with the trace\'s numbers', async () => {
  const { page, context, problems } = await open('#model=lstm&hidden=4&seq-len=6&clip-mode=norm&clip-threshold=0.1');
  for (let i = 1; i <= 3; i++) {
    await page.getByTestId('step').click();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n, i);
  }
  const gates = page.getByTestId('gate-heatmap');
  await gates.scrollIntoViewIfNeeded();
  await gates.locator('.gate-panel[data-gate=f] .gate-title').waitFor();
  await gates.locator('.gate-panel[data-gate=f] .gate-title').click();
  const f = await cardNumbers(gates);
  assert.equal(f.subject, 'gate:f:6', 'no cursor: the last step');
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(f.Ux[i] + f.Wh[i] + f.b[i] - f.a[i]) < 1e-5, `a_f = U_f·x + W_f·h + b_f, unit ${i}`);
    assert.ok(Math.abs(1 / (1 + Math.exp(-f.a[i])) - f.gate[i]) < 1e-6, `f = σ(a_f), unit ${i}`);
  }
  await gates.locator('.gate-panel[data-gate=c] .gate-title').click();
  const c = await cardNumbers(gates);
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(c.f[i] * c.c_prev[i] + c.i[i] * c.g[i] - c.c[i]) < 1e-5, `c = f ⊙ c₋₁ + i ⊙ g, unit ${i}`);
  }
  // Clipping by norm at 0.1 fires at every step: a mark each.
  const params = page.getByTestId('param-grads');
  await params.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=clip-mark]').length >= 3);
  await params.locator('[data-testid=clip-mark][data-step="2"]').click();
  const k = await cardNumbers(params);
  assert.equal(k.subject, 'clip:2');
  assert.equal(k.v, 0.1);
  const row = await page.getByTestId('param-grads-data').evaluate((t) => {
    const tr = [...t.querySelectorAll('tbody tr')].find((r) => r.cells[1].textContent === '2');
    return {
      before: tr.querySelector('[data-kind=global-before]').textContent,
      after: tr.querySelector('[data-kind=global-after]').textContent,
    };
  });
  assert.equal(k.norm_before, Number(row.before), 'the card\'s ‖g‖ is the table\'s');
  assert.equal(k.norm_after, Number(row.after));
  assert.ok(Math.abs(k.scale - (0.1 / k.norm_before) * (1 - 1e-6)) < 1e-15, 'factor v/‖g‖');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});
