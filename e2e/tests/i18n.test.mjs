// The page in Chinese and English (issue 9): how the language is chosen,
// that switching never touches the run, and that each language's page says
// nothing in the other language — DOM text, attributes a reader meets
// (title, aria-label), every menu option, the hidden data tables, and the
// words drawn on the canvases (each canvas lists them in `data-words`).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openPage, ready, stepCount } from '../lib/harness.mjs';

let server;
let browser;
let latinAllowed;

before(async () => {
  server = await serve();
  browser = await launch();
  // The one list of Latin words the Chinese page may hold: src/lang.rs.
  const src = await readFile(new URL('../../src/lang.rs', import.meta.url), 'utf8');
  const list = src.match(/pub const LATIN_ALLOWED: &\[&str\] = &\[([^\]]*)\]/);
  assert.ok(list, 'LATIN_ALLOWED found in src/lang.rs');
  latinAllowed = new Set([...list[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]));
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Every text of the page a reader can meet, with where it is. */
function pageTexts() {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    // <code> quotes a link's own keys and values (a Chinese notice names the
    // key `hidden` because that is what the link says).
    if (!parent || parent.closest('script, style, noscript, code, [data-testid=lang]')) continue;
    const text = n.textContent.trim();
    if (text) out.push({ where: parent.tagName.toLowerCase() + (parent.className?.baseVal ?? parent.className ? '.' + (parent.className?.baseVal ?? parent.className) : ''), text });
  }
  for (const el of document.querySelectorAll('[title], [aria-label], [placeholder], [data-words], [alt]')) {
    if (el.closest('[data-testid=lang]')) continue;
    for (const attr of ['title', 'aria-label', 'placeholder', 'data-words', 'alt']) {
      const v = el.getAttribute(attr);
      if (v && v.trim()) out.push({ where: `${el.tagName.toLowerCase()}[${attr}]`, text: v });
    }
  }
  out.push({ where: 'title', text: document.title });
  return out;
}

function englishIn(texts) {
  const bad = [];
  for (const { where, text } of texts) {
    // Symbols with an index (b_hn, W_f, h_t) are symbols, not words.
    for (const word of text.match(/[A-Za-z_]*[A-Za-z]{2,}[A-Za-z_]*/g) ?? []) {
      if (word.includes('_')) continue;
      if (!latinAllowed.has(word)) bad.push(`${where}: "${word}" in "${text.slice(0, 80)}"`);
    }
  }
  return [...new Set(bad)];
}

function chineseIn(texts) {
  return [...new Set(texts.filter(({ text }) => /[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/.test(text)).map(({ where, text }) => `${where}: "${text.slice(0, 80)}"`))];
}

/** Opens every lesson and every model, a step each, and gathers what the page says. */
async function sweep(page) {
  const texts = [];
  const gather = async () => texts.push(...(await page.evaluate(pageTexts)));
  const stepOnce = async () => {
    const n = await stepCount(page);
    await page.getByTestId('step').click();
    await page.waitForFunction((k) => Number(document.querySelector('[data-testid=step-count]').textContent) > k, n);
    // Views draw on a short throttle once a step completes.
    await page.waitForTimeout(700);
  };
  const lessons = await page.getByTestId('preset').locator('option').evaluateAll((o) => o.map((x) => x.value).filter(Boolean));
  for (const id of lessons) {
    await page.getByTestId('preset').selectOption(id);
    await stepOnce();
    // Scroll through the views so each draws (they draw only on screen).
    for (const view of await page.locator('.views > *').all()) {
      await view.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
    }
    await gather();
  }
  // The lesson panel: every page, its hint and answer behind their clicks,
  // a few answers read from the run, presentation mode with its QR code.
  const pages = await page.getByTestId('lesson-menu').locator('option').evaluateAll((o) => o.map((x) => x.value).filter(Boolean));
  for (const id of pages) {
    await page.getByTestId('lesson-menu').selectOption(id);
    await page.waitForFunction((id) => document.querySelector('[data-testid=lesson-panel]').dataset.page === id, id);
    for (const b of ['challenge-hint', 'challenge-answer']) {
      if (await page.getByTestId(b).count()) await page.getByTestId(b).click();
    }
    if (['2.3', '3.2', '4.1', '4.4', '6.4'].includes(id)) {
      await page.getByTestId('lesson-question').locator('button.choice').first().click();
      await page.getByTestId('lesson-reveal').click();
      await page.getByTestId('lesson-answer').waitFor({ timeout: 60_000 });
    }
    await gather();
  }
  await page.getByTestId('present').click();
  await page.getByTestId('qr').waitFor();
  await gather();
  await page.getByTestId('controls-toggle').click();
  await gather();
  await page.getByTestId('controls-toggle').click();
  await page.getByTestId('present').click();
  await page.getByTestId('lesson-menu').selectOption('');
  await page.waitForFunction(() => !document.querySelector('[data-testid=lesson-panel]').dataset.page);
  await gather();
  for (const model of ['gru', 'bigru', 'birnn']) {
    await page.getByTestId('model').selectOption(model);
    await stepOnce();
    await gather();
  }
  // The first chapters: the perceptron on both data sets, the BP net part
  // by part with its cards, the gradient checks, and the recurrent cards.
  for (const data of ['xor', 'blobs']) {
    await page.getByTestId('perceptron-data').selectOption(data);
    await page.getByTestId('perceptron').scrollIntoViewIfNeeded();
    await page.getByTestId('perceptron-step').click();
    await gather();
    // (Blobs may already be separated by that one update.)
    if (await page.getByTestId('perceptron-play').isEnabled()) {
      await page.getByTestId('perceptron-play').click();
      await page.waitForTimeout(300);
    }
    await gather();
  }
  const bp = page.getByTestId('bp-net');
  await bp.scrollIntoViewIfNeeded();
  for (const part of ['bp-forward', 'bp-error', 'bp-backward', 'bp-bias']) {
    await page.getByTestId(part).click();
    for (const card of ['x1', 'h1', 'y1', 'E', 'w_h1_x1', 'b_y1']) {
      const hit = bp.locator(`.bp-svg [data-card=${card}]`);
      if (await hit.count()) {
        await hit.click();
        await gather();
      }
    }
  }
  await bp.getByTestId('grad-check').click();
  await bp.getByTestId('grad-check-data').waitFor();
  await page.getByTestId('bp-train').click();
  await gather();
  await page.getByTestId('model').selectOption('lstm');
  await stepOnce();
  const graph = page.getByTestId('unrolled-graph');
  await graph.scrollIntoViewIfNeeded();
  await graph.locator('.ug-node[data-row=h]').nth(1).click();
  await gather();
  await page.getByTestId('step-backward').click();
  await graph.locator('.ug-node[data-row=c]').nth(1).click();
  await gather();
  const gates = page.getByTestId('gate-heatmap');
  await gates.scrollIntoViewIfNeeded();
  for (const gate of ['i', 'f', 'g', 'o']) {
    await gates.locator(`.gate-panel[data-gate=${gate}] .gate-title`).click();
    await gather();
  }
  const params = page.getByTestId('param-grads');
  await params.scrollIntoViewIfNeeded();
  await params.getByTestId('grad-check').click();
  await params.getByTestId('grad-check-data').waitFor({ timeout: 60_000 });
  await gather();
  await page.getByTestId('clip-mode').selectOption('norm');
  await page.getByTestId('clip-threshold').selectOption('0.1');
  await stepOnce();
  await params.scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  const mark = params.getByTestId('clip-mark').last();
  if (await mark.count()) {
    await mark.click();
    await gather();
  }
  // The files toolbar is always there; the text box of the next-character
  // task, opened, with a refused text and a long one (its link note).
  await page.getByTestId('preset').selectOption('chars');
  await page.getByTestId('user-text-panel').locator('summary').click();
  await page.getByTestId('user-text').fill('ab');
  await page.getByTestId('user-text-use').click();
  await page.getByTestId('user-text-message').waitFor();
  await gather();
  await page.getByTestId('user-text').fill('叠被子，放进柜子。'.repeat(30));
  await page.getByTestId('user-text-use').click();
  await page.getByTestId('user-text-link-note').waitFor();
  await gather();
  // A refused file, and the drop zone shown while a file is dragged.
  await page.getByTestId('load-run').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "x"}') });
  await page.getByTestId('notice').waitFor();
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['{}'], 'x.json'));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.getByTestId('drop-zone').waitFor();
  await gather();
  await page.evaluate(() => document.body.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));
  // Refusals and notices speak the page's language too.
  await page.evaluate(() => {
    location.hash = location.hash + '&hidden=0&bogus=1';
  });
  await page.getByTestId('notice').waitFor();
  await gather();
  return texts;
}

test('a link with lang=zh opens in Chinese whatever the browser prefers', async () => {
  const { page, context, problems } = await openPage(browser, server.url, { locale: 'en-US' });
  await page.goto(`${server.url}#lang=zh`);
  await ready(page);
  await page.waitForFunction(() => document.documentElement.lang.startsWith('zh'));
  assert.equal(await page.getByTestId('lang').inputValue(), 'zh');
  assert.equal(await page.getByTestId('play').textContent(), '▶ 开始');
  assert.match(page.url(), /lang=zh/);
  assert.ok(await page.getByTestId('notice').isHidden(), 'a partial link is no mistake');
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('without lang, a browser whose languages start with zh-CN gets Chinese, and en-US English', async () => {
  for (const [locale, lang, play] of [['zh-CN', 'zh', '▶ 开始'], ['en-US', 'en', '▶ Play']]) {
    const { page, context } = await openPage(browser, server.url, { locale });
    await page.goto(server.url);
    await ready(page);
    assert.equal(await page.getByTestId('play').textContent(), play, locale);
    assert.equal(await page.getByTestId('lang').inputValue(), lang, locale);
    assert.equal(await page.evaluate(() => document.documentElement.lang), lang, locale);
    await context.close();
  }
});

test('switching the language while training keeps the run going', async () => {
  const { page, context, problems } = await openPage(browser, server.url);
  await page.goto(server.url);
  await ready(page);
  await page.getByTestId('play').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) > 20);
  const before = await stepCount(page);
  await page.getByTestId('lang').selectOption('zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh');
  assert.equal(await page.getByTestId('status').getAttribute('data-state'), 'running');
  assert.ok((await stepCount(page)) >= before, 'no reset');
  await page.waitForFunction((b) => Number(document.querySelector('[data-testid=step-count]').textContent) > b + 20, before);
  assert.equal(await page.getByTestId('play').textContent(), '▶ 开始');
  assert.match(page.url(), /lang=zh/);
  await page.getByTestId('lang').selectOption('en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.equal(await page.getByTestId('status').getAttribute('data-state'), 'running');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('the Chinese page says nothing in English beyond symbols and the names courses keep in Latin', async () => {
  const { page, context, problems } = await openPage(browser, server.url, { locale: 'zh-CN' });
  await page.goto(`${server.url}#lang=zh`);
  await ready(page);
  const texts = await sweep(page);
  assert.ok(texts.length > 200, `${texts.length} texts gathered`);
  assert.deepEqual(englishIn(texts), []);
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('the English page says nothing in Chinese outside the language switch', async () => {
  const { page, context, problems } = await openPage(browser, server.url, { locale: 'en-US' });
  await page.goto(`${server.url}#lang=en`);
  await ready(page);
  const texts = await sweep(page);
  assert.ok(texts.length > 200, `${texts.length} texts gathered`);
  assert.deepEqual(chineseIn(texts), []);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('the Chinese page fits 1280×720 like the English one: no control cut or wrapped under its label', async () => {
  for (const lang of ['zh', 'en']) {
    const { page, context } = await openPage(browser, server.url);
    await page.goto(`${server.url}#lang=${lang}`);
    await ready(page);
    const problems = await page.evaluate(() => {
      const bad = [];
      const vw = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth > vw) bad.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${vw}`);
      for (const label of document.querySelectorAll('.panel label.control')) {
        const name = label.querySelector('.label');
        const control = label.querySelector('select, input, .slider, .seed');
        if (!name || !control) continue;
        const a = name.getBoundingClientRect();
        const b = control.getBoundingClientRect();
        // Side by side: the control starts on the label's line.
        if (b.top >= a.bottom - 2) bad.push(`"${name.textContent}" wraps above its control`);
        if (name.scrollWidth > name.clientWidth + 1) bad.push(`"${name.textContent}" is cut`);
      }
      for (const b of document.querySelectorAll('.panel button')) {
        if (b.scrollWidth > b.clientWidth + 1) bad.push(`button "${b.textContent}" is cut`);
      }
      const panel = document.querySelector('.panel');
      if (panel.scrollHeight > panel.clientHeight + 1) bad.push(`controls need scrolling: ${panel.scrollHeight} > ${panel.clientHeight}`);
      return bad;
    });
    assert.deepEqual(problems, [], lang);
    await context.close();
  }
});
