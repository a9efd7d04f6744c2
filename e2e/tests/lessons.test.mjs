// The lesson told by the lab (issue 10): every page of every chapter in
// both languages — its settings applied, its view marked, its question
// answered with a number read from this run and on the side the page
// claims; challenges that pass when solved and not otherwise; presentation
// mode with a QR code a decoder reads back as the page's link; teacher
// links that hide exactly the controls they name; a phone without
// sideways scrolling. The pages themselves are read from
// src/lessons/pages.rs, so the test follows the data.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { serve, launch, openPage, ready, stepCount, state } from '../lib/harness.mjs';
import { readPages } from '../lib/lessons.mjs';

let server;
let browser;
/** id → { query, view, question, challenge: { solution } } from pages.rs. */
let PAGES;

before(async () => {
  server = await serve();
  browser = await launch();
  PAGES = await readPages();
  assert.ok(Object.keys(PAGES).length >= 25, `${Object.keys(PAGES).length} pages read`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const PENDING = new Set(['perceptron', 'bp-net']);

async function open(hash, opts = {}) {
  const o = await openPage(browser, server.url, opts);
  await o.page.goto(server.url + hash);
  await ready(o.page);
  await o.page.getByTestId('lesson-panel').locator('.lesson-bar').waitFor();
  return o;
}

/** Opens a page from the chapter list and waits until it is on screen. */
async function pick(page, id) {
  await page.getByTestId('lesson-menu').selectOption(id);
  await page.waitForFunction((id) => document.querySelector('[data-testid=lesson-panel]')?.dataset.page === id, id);
}

/** The claim `<1e-4`, `>1e6`, `1e0..1e0` as a test of a number. */
function claimHolds(claim, x) {
  if (claim.startsWith('<')) return x < Number(claim.slice(1));
  if (claim.startsWith('>')) return x > Number(claim.slice(1));
  const [a, b] = claim.split('..').map(Number);
  return a <= x && x <= b;
}

/** Picks the first choice, reveals, and returns the answer's numbers. */
async function answer(page) {
  const q = page.getByTestId('lesson-question');
  await q.locator('button.choice').first().click();
  assert.equal(await q.locator('button.choice[data-state=picked]').count(), 1, 'the pick is shown');
  await page.getByTestId('lesson-reveal').click();
  const a = page.getByTestId('lesson-answer');
  await a.waitFor({ timeout: 90_000 });
  return {
    value: Number(await a.getAttribute('data-value')),
    claim: await a.getAttribute('data-claim'),
    holds: await a.getAttribute('data-holds'),
    step: Number(await a.getAttribute('data-step')),
    text: await a.textContent(),
    right: await q.locator('button.choice[data-state=right]').count(),
  };
}

for (const lang of ['zh', 'en']) {
  test(`every page of every chapter, in ${lang}: settings applied, view marked, question answered from the run`, async () => {
    const { page, context, problems } = await open(`#lang=${lang}`, { locale: lang === 'zh' ? 'zh-CN' : 'en-US' });
    const ids = await page.getByTestId('lesson-menu').locator('option').evaluateAll((o) => o.map((x) => x.value).filter(Boolean));
    assert.deepEqual(ids, Object.keys(PAGES), 'the menu lists every page in order');
    const values = {};
    for (const id of ids) {
      const p = PAGES[id];
      await pick(page, id);
      // The page's settings, and the page itself, are in the link.
      const hash = decodeURIComponent(await page.evaluate(() => location.hash));
      assert.ok(hash.includes(`lesson=${id}`), `${id}: ${hash}`);
      for (const kv of p.query.split('&').filter(Boolean)) {
        assert.ok(`&${hash.slice(1)}&`.includes(`&${kv}&`), `${id}: ${kv} in ${hash}`);
      }
      assert.ok(hash.includes(`lang=${lang}`));
      assert.equal(await state(page), 'idle', `${id} opens a fresh network`);
      assert.ok((await page.getByTestId('lesson-text').textContent()).length > 40, `${id} has its text`);
      // Its view is marked (chapter 1's screens come from another branch).
      await page.waitForTimeout(50);
      const marked = await page.evaluate((v) => {
        const el = document.querySelector(`[data-testid="${v}"]`);
        return el ? !!el.closest('[data-lesson=mark]') : null;
      }, p.view);
      if (PENDING.has(p.view) && marked === null) {
        assert.match(await page.getByTestId('lesson-panel').textContent(), /BP/, `${id} says its screen is coming`);
      } else {
        assert.equal(marked, true, `${id}: ${p.view} marked`);
        assert.equal(await page.locator('[data-lesson=mark]').count(), 1, `${id}: one view marked`);
      }
      assert.equal(await page.getByTestId('lesson-question').count(), p.question ? 1 : 0, id);
      const covered = () => page.evaluate(() => !!document.querySelector('[data-lesson=mark][data-covered]'));
      if (p.question && p.after === 0 && marked) {
        await page.waitForFunction(() => !!document.querySelector('[data-lesson=mark][data-covered]'));
      }
      if (p.question) {
        const a = await answer(page);
        await page.waitForTimeout(50);
        assert.equal(await covered(), false, `${id}: the view is uncovered with the answer`);
        assert.ok(Number.isFinite(a.value) || a.value === Infinity, `${id}: a number (${a.value})`);
        assert.ok(claimHolds(a.claim, a.value), `${id}: ${a.value} is ${a.claim}`);
        assert.equal(a.holds, 'true', id);
        assert.equal(a.right, 1, `${id}: the run marks one choice right`);
        assert.ok(/\d|∞/.test(a.text), `${id}: the answer shows its number: ${a.text}`);
        values[id] = a.value;
      }
    }
    // The three claims the issue names.
    assert.ok(values['4.1'] < 1e-4 && values['4.1'] > 0, `vanishing ratio ${values['4.1']}`);
    assert.ok(values['4.2'] > 1e6, `exploding gradient ${values['4.2']}`);
    assert.ok(values['3.2'] > values['3.1'], `bidirectional ${values['3.2']} vs forward-only ${values['3.1']}`);
    assert.ok(values['5.5'] > 1, `clipped: the gradient was ${values['5.5']} before clipping at 1`);
    assert.deepEqual(problems.console, []);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  });
}

test('the exploding page diverges when played, and its answer says so', async () => {
  const { page, context, problems } = await open('#lesson=4.2&lang=en');
  const a = await answer(page);
  assert.equal(await state(page), 'diverged');
  assert.equal(a.value, Infinity);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

/** Plays until the challenge's status leaves `from` or `steps` are done. */
async function playUntil(page, done, timeout = 90_000) {
  await page.getByTestId('play').click();
  await page.waitForFunction(done, null, { timeout, polling: 100 });
  if ((await state(page)) === 'running') await page.getByTestId('pause').click();
}

const challenge = (page) => page.getByTestId('challenge-status').getAttribute('data-state');

test('a challenge passes when solved, and not when it is not', async () => {
  const { page, context, problems } = await open('#lesson=5.2&lang=zh');
  assert.equal(await challenge(page), 'open', 'not at step 0');
  // The page's own ×0.01 net, trained past the challenge's 3000 steps: open.
  await playUntil(page, () => Number(document.querySelector('[data-testid=step-count]').textContent) > 3100);
  await page.waitForTimeout(400);
  assert.equal(await challenge(page), 'open', 'not solved without a fix');
  // The answer behind the click, then the fix it names: Xavier and orthogonal.
  await page.getByTestId('challenge-answer').click();
  assert.ok((await page.locator('.challenge .solution').textContent()).length > 10);
  await page.getByTestId('init-input').selectOption('xavier_uniform');
  await page.getByTestId('init-recurrent').selectOption('orthogonal');
  assert.equal(await stepCount(page), 0);
  assert.equal(await challenge(page), 'open');
  await playUntil(page, () => document.querySelector('[data-testid=challenge-status]').dataset.state === 'passed');
  assert.equal(await challenge(page), 'passed');
  // A setting the challenge does not allow leaves it open, and says so.
  await page.getByTestId('seed').fill('2');
  await page.getByTestId('seed').press('Enter');
  await page.getByTestId('seed').blur();
  await page.waitForFunction(() => location.hash.includes('seed=2'));
  await playUntil(page, () => Number(document.querySelector('[data-testid=step-count]').textContent) > 100);
  await page.waitForTimeout(400);
  assert.equal(await challenge(page), 'open');
  assert.equal(await page.getByTestId('challenge-off-limits').count(), 1);
  assert.deepEqual(problems.console, []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('every challenge is open at step 0 and passes with its solution', async () => {
  for (const p of Object.values(PAGES).filter((p) => p.challenge)) {
    const { page, context, problems } = await open(`#lesson=${p.id}&lang=en`);
    assert.equal(await challenge(page), 'open', `${p.id} at step 0`);
    await context.close();
    // The solution as a teacher's link: the page, then the keys it changes.
    const solved = await open(`#lesson=${p.id}&lang=en&${p.challenge.solution}`);
    await solved.page.waitForTimeout(400);
    if ((await challenge(solved.page)) !== 'passed') {
      await playUntil(solved.page, () => document.querySelector('[data-testid=challenge-status]').dataset.state === 'passed');
    }
    assert.equal(await challenge(solved.page), 'passed', p.id);
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(solved.problems.pageErrors, []);
    await solved.context.close();
  }
});

/** The QR code on screen, decoded from a screenshot's pixels. */
async function decodeQr(page) {
  const png = PNG.sync.read(await page.getByTestId('qr').screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'the QR code decodes');
  return code.data;
}

test('presentation mode folds the controls one click away and shows a QR code of the page', async () => {
  const { page, context, problems } = await open('#lesson=4.1&lang=zh&seed=3&present=1', { locale: 'zh-CN' });
  assert.ok(await page.getByTestId('controls').isHidden(), 'the settings are folded away');
  assert.ok(await page.getByTestId('play').isVisible(), 'Play stays at hand');
  const toggle = page.getByTestId('controls-toggle');
  await toggle.click();
  assert.ok(await page.getByTestId('controls').isVisible(), 'one click out');
  await toggle.click();
  assert.ok(await page.getByTestId('controls').isHidden());
  // Large type for the back of the room.
  const size = await page.getByTestId('lesson-text').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 20, `lesson text ${size}px`);
  // The page's view spans the stage.
  const wide = await page.evaluate(() => {
    const v = document.querySelector('[data-lesson=mark]').getBoundingClientRect().width;
    return v / document.querySelector('.views').getBoundingClientRect().width;
  });
  assert.ok(wide > 0.95, `the marked view is ${wide} of the grid`);
  // The QR code reads back as this experiment's link.
  const link = await decodeQr(page);
  assert.ok(link.startsWith(server.url + '#lesson=4.1'), link);
  assert.ok(link.includes('seed=3') && link.includes('lang=zh') && !link.includes('present'), link);
  const presenting = await page.evaluate(() => location.hash);
  const phone = await openPage(browser, server.url, { width: 390, height: 844, locale: 'zh-CN' });
  await phone.page.goto(link);
  await ready(phone.page);
  await phone.page.waitForFunction(() => location.hash.includes('lesson=4.1'));
  assert.equal(await phone.page.evaluate(() => location.hash), presenting.replace('&present=1', ''), 'the same experiment');
  assert.deepEqual(phone.problems.pageErrors, []);
  await phone.context.close();
  // The switch leaves presentation mode and comes back.
  await page.getByTestId('present').click();
  await page.waitForFunction(() => !location.hash.includes('present=1'));
  assert.ok(await page.getByTestId('controls').isVisible());
  assert.equal(await page.getByTestId('qr').count(), 0);
  await page.getByTestId('present').click();
  await page.waitForFunction(() => location.hash.includes('present=1'));
  await page.getByTestId('qr').waitFor();
  assert.ok(await page.getByTestId('controls').isHidden());
  // Next page: the code follows the link.
  await page.getByTestId('lesson-next').click();
  await page.waitForFunction(() => location.hash.includes('lesson=4.2'));
  await page.waitForTimeout(300);
  assert.ok((await decodeQr(page)).startsWith(server.url + '#lesson=4.2'));
  assert.deepEqual(problems.console, []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('hide= hides exactly the controls it names', async () => {
  const keys = ['model', 'task', 'seq-len', 'hidden', 'activation', 'init-input', 'init-recurrent', 'spectral-radius',
    'clip-mode', 'clip-threshold', 'optimizer', 'learning-rate', 'batch-size', 'seed', 'lang',
    'mlp-depth', 'mlp-activation', 'mlp-init', 'mlp-data', 'mlp-bn', 'mlp-residual'];
  for (const hide of [['activation', 'seed', 'mlp-bn'], ['model', 'task', 'seq-len', 'hidden', 'activation'], ['lang']]) {
    const { page, context, problems } = await open(`#hide=${hide.join(',')}`);
    for (const k of keys) {
      assert.equal(await page.getByTestId(k).isVisible(), !hide.includes(k), `${k} with hide=${hide}`);
    }
    // A group whose every control is hidden goes too.
    const legends = await page.locator('.controls-list fieldset:visible legend').count();
    assert.equal(legends, hide.length === 5 ? 2 : 3, `${hide}`);
    assert.match(page.url(), new RegExp(`hide=${hide.join(',')}`), 'kept in the link');
    assert.ok(await page.getByTestId('notice').isHidden());
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  }
  // An unknown key is named, and nothing is hidden.
  const { page, context } = await open('#hide=seed,bogus');
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /bogus/);
  assert.ok(await page.getByTestId('seed').isVisible());
  await context.close();
});

test('a phone: settings in a drawer, views one under the other, no sideways scrolling', async () => {
  for (const hash of ['#lang=zh', '#lesson=0.1&lang=zh', '#lesson=2.2&lang=zh', '#lesson=3.2&lang=zh', '#lesson=4.1&lang=zh',
    '#lesson=5.3&lang=zh', '#lesson=6.3&lang=en', '#lesson=4.4&lang=zh&present=1']) {
    const { page, context, problems } = await open(hash, { width: 390, height: 844, locale: 'zh-CN' });
    await page.waitForTimeout(300);
    const m = await page.evaluate(() => {
      const views = [...document.querySelectorAll('.views > *')].filter((v) => v.offsetParent);
      return {
        scroll: document.documentElement.scrollWidth,
        width: document.documentElement.clientWidth,
        lefts: [...new Set(views.map((v) => Math.round(v.getBoundingClientRect().left)))],
        font: parseFloat(getComputedStyle(document.querySelector('[data-testid=lesson-text]')).fontSize),
        wide: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && e.offsetParent && !e.closest('.visually-hidden')).map((e) => e.className || e.tagName).slice(0, 5),
      };
    });
    assert.ok(m.scroll <= m.width, `${hash}: page ${m.scroll} wide in ${m.width}: ${m.wide}`);
    assert.equal(m.lefts.length, 1, `${hash}: views in one column (${m.lefts})`);
    assert.ok(m.font >= 16, `${hash}: lesson text ${m.font}px`);
    assert.ok(await page.getByTestId('controls').isHidden(), `${hash}: settings folded`);
    assert.ok(await page.getByTestId('play').isVisible(), `${hash}: Play at hand`);
    await page.getByTestId('controls-toggle').click();
    assert.ok(await page.getByTestId('controls').isVisible(), `${hash}: the drawer opens`);
    const after = await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    assert.ok(after, `${hash}: open drawer fits`);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  }
});

test('the projector layout keeps its controls in view at 1280×720 and 1920×1080', async () => {
  for (const [width, height] of [[1280, 720], [1920, 1080]]) {
    const { page, context } = await open('#lesson=4.1&lang=zh', { width, height, locale: 'zh-CN' });
    assert.ok(await page.getByTestId('controls').isVisible());
    assert.ok(await page.getByTestId('controls-toggle').isHidden(), 'no drawer on a projector');
    const inView = await page.evaluate(() => {
      const r = (s) => document.querySelector(s).getBoundingClientRect();
      return r('[data-testid=lesson-reveal]').bottom <= innerHeight && r('[data-lesson=mark]').top < innerHeight;
    });
    assert.ok(inView, `${width}×${height}: the question and the marked view are on screen`);
    await context.close();
  }
});

test('keys turn the page, the arrows only from the lesson panel; progress is offered on return', async () => {
  const { page, context, problems } = await open('#lesson=2.2&lang=en');
  await page.keyboard.press('PageDown');
  await page.waitForFunction(() => location.hash.includes('lesson=2.3'));
  await page.keyboard.press('PageUp');
  await page.waitForFunction(() => location.hash.includes('lesson=2.2'));
  // Elsewhere → belongs to the unrolled graph's step-through.
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(200);
  assert.match(page.url(), /lesson=2\.2/);
  assert.notEqual(await page.getByTestId('unrolled-graph').getAttribute('data-cursor-t'), '', 'the graph stepped');
  // From the panel it turns the page.
  await page.getByTestId('lesson-next').focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('lesson=2.3'));
  assert.ok((await page.getByTestId('lesson-panel').textContent()).includes('PageDown'), 'the keys are said');
  // Coming back without a lesson in the link: offered where we stopped.
  await page.goto(server.url + '#lang=en');
  await page.reload();
  await ready(page);
  await page.getByTestId('lesson-resume').click();
  await page.waitForFunction(() => location.hash.includes('lesson=2.3'));
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});
