// Saving, loading and the user's own text (issue 12): every export
// downloads a file of its type (the PNG decodes at devicePixelRatio, the
// SVG parses, the CSV has a header and one row per recorded step, the JSON
// loads back); a loaded run goes on bit for bit; damaged, foreign and newer
// files are refused with the notice and the run kept; a text in any script
// trains, and a refused one says why.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { serve, launch, openPage, ready, stepCount, state } from '../lib/harness.mjs';

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

/** Clicks Step `n` times, each waiting for its step. */
async function steps(page, n) {
  for (let i = 0; i < n; i++) {
    const k = await stepCount(page);
    await page.getByTestId('step').click();
    await page.waitForFunction((k) => Number(document.querySelector('[data-testid=step-count]').textContent) > k, k);
  }
}

/** Clicks `testid` and returns the download: its name and bytes. */
async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: dl.suggestedFilename(), bytes: await readFile(await dl.path()) };
}

/** Width and height of a PNG (its IHDR), after checking its signature. */
function pngSize(bytes) {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('latin1'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Decodes a PNG in the page (an <img> of its bytes): its natural size. */
async function decodes(page, bytes) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  }, bytes.toString('base64'));
}

const noticeText = (page) => page.getByTestId('notice').textContent();

test('each export downloads a non-empty file of its type, named by what and when', async () => {
  const { page, context, problems } = await openPage(browser, server.url, { deviceScaleFactor: 2 });
  await page.goto(`${server.url}#seed=3&seq-len=12`);
  await ready(page);
  await steps(page, 3);
  // Let the gradient history take its (throttled) sample of the last step.
  await page.waitForTimeout(600);

  const png = await download(page, 'export-png');
  assert.equal(png.name, 'rnn-lab-loss-3.png');
  const size = pngSize(png.bytes);
  const css = await page.getByTestId('loss-chart').evaluate((c) => ({ w: c.clientWidth, h: c.clientHeight }));
  assert.deepEqual(size, { width: css.w * 2, height: css.h * 2 }, 'at devicePixelRatio 2');
  assert.deepEqual(await decodes(page, png.bytes), size, 'the PNG decodes');

  // A view's own PNG button, and the heatmap scaled up to its size on screen.
  await page.getByTestId('grad-through-time').scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  const view = await download(page, 'export-png-grad-through-time');
  assert.equal(view.name, 'rnn-lab-gradient-through-time-3.png');
  assert.ok((await decodes(page, view.bytes)).width > 300);
  await page.getByTestId('grad-history').scrollIntoViewIfNeeded();
  const heat = await download(page, 'export-png-grad-history');
  const heatCss = await page.getByTestId('grad-history').evaluate((c) => ({ w: c.clientWidth, h: c.clientHeight }));
  assert.deepEqual(pngSize(heat.bytes), { width: heatCss.w * 2, height: heatCss.h * 2 });

  const svg = await download(page, 'export-svg');
  assert.equal(svg.name, 'rnn-lab-graph-3.svg');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      tag: root.tagName,
      width: Number(root.getAttribute('width')),
      font: root.getAttribute('font-family'),
      styled: doc.querySelectorAll('[style*="fill:"]').length,
      texts: doc.querySelectorAll('text').length,
    };
  }, svg.bytes.toString('utf8'));
  assert.equal(parsed.error, null);
  assert.equal(parsed.tag, 'svg');
  assert.ok(parsed.width > 100, `sized: ${parsed.width}`);
  assert.match(parsed.font, /Noto Sans CJK SC/, 'the font stack with Chinese faces');
  assert.ok(parsed.styled > 20 && parsed.texts > 5, `styles inlined: ${parsed.styled}`);

  const csv = await download(page, 'export-csv');
  assert.equal(csv.name, 'rnn-lab-loss-3.csv');
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
  assert.equal(lines[0], 'step,loss');
  assert.deepEqual(lines.slice(1).map((l) => Number(l.split(',')[0])), [0, 1, 2, 3], 'one row per step, the untrained net first');
  assert.ok(lines.slice(1).every((l) => Number.isFinite(Number(l.split(',')[1]))));

  const grads = await download(page, 'export-csv-grads');
  assert.equal(grads.name, 'rnn-lab-gradients-3.csv');
  const rows = grads.bytes.toString('utf8').trimEnd().split('\n');
  assert.equal(rows[0], ['step', ...Array.from({ length: 12 }, (_, t) => `dL/dh_${t + 1}`)].join(','));
  const recorded = Number(await page.getByTestId('grad-history').getAttribute('data-rows'));
  assert.ok(recorded >= 1);
  assert.equal(rows.length - 1, recorded, 'one row per recorded step of the gradient history');
  assert.ok(rows.slice(1).every((r) => r.split(',').length === 13));

  const json = await download(page, 'export-json');
  assert.equal(json.name, 'rnn-lab-run-3.json');
  const run = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(run.format, 'rnn-lab-run');
  assert.equal(run.version, 1);
  assert.equal(run.steps_done, 3);
  assert.equal(run.page.version, 1);
  assert.match(run.page.settings, /^model=rnn&task=adding&seq-len=12/);
  assert.deepEqual(run.page.loss.map((p) => p[0]), [0, 1, 2, 3]);
  assert.ok(run.weights.length > 0 && run.optimizer.first_moments.length === run.weights.length);

  assert.equal(await stepCount(page), 3, 'exporting changes nothing');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  assert.deepEqual(problems.outside, []);
  await context.close();
});

/**
 * Opens `link`, steps `n`, saves the run, steps once more: the saved file,
 * the link as the page wrote it, and the loss of that next step (as shown
 * and at full precision, from the loss CSV).
 */
async function runThatNeverStopped(link, n) {
  const { page, context } = await openPage(browser, server.url);
  await page.goto(`${server.url}${link}`);
  await ready(page);
  await steps(page, n);
  const file = await download(page, 'export-json');
  const written = new URL(page.url()).hash;
  await steps(page, 1);
  const shown = await page.getByTestId('loss').textContent();
  const last = (await download(page, 'export-csv')).bytes.toString('utf8').trimEnd().split('\n').pop();
  await context.close();
  return { file, written, shown, last };
}

for (const [what, link, n] of [
  ['an LSTM with Adam', '#model=lstm&hidden=16&seq-len=15&seed=7&learning-rate=0.003', 6],
  ['a bidirectional GRU with momentum, clipped by value', '#model=bigru&task=blank&hidden=12&optimizer=momentum&clip-mode=value&clip-threshold=0.5&seed=11', 4],
  ['the next character of a Chinese text', `#task=chars&model=rnn&hidden=16&seq-len=8&text=${encodeURIComponent('早上叠被子，叠好的被子放进柜子。循环网络记得前面看到的字。')}`, 5],
]) {
  test(`a loaded run goes on bit for bit: ${what}`, async () => {
    const before = await runThatNeverStopped(link, n);
    const { page, context, problems } = await openPage(browser, server.url);
    await page.goto(`${server.url}${link}`);
    await ready(page);
    await page.getByTestId('load-run').setInputFiles({ name: before.file.name, mimeType: 'application/json', buffer: before.file.bytes });
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) === n, n);
    assert.equal(await state(page), 'paused');
    assert.equal(new URL(page.url()).hash, before.written, 'the settings and the link are the file\'s');
    assert.ok(await page.getByTestId('notice').isHidden());
    await steps(page, 1);
    assert.equal(await page.getByTestId('loss').textContent(), before.shown, 'the next loss as shown');
    const last = (await download(page, 'export-csv')).bytes.toString('utf8').trimEnd().split('\n').pop();
    assert.equal(last, before.last, 'the next loss to the last bit');
    assert.deepEqual(problems.pageErrors, []);
    assert.deepEqual(problems.console, []);
    await context.close();
  });
}

test('a loaded run too big to look at in one frame is looked at over frames, and its curve gains no point', async () => {
  // An LSTM at length 100 is 225 work units a look: more than a click runs
  // at once (128), so the look spans frames, as a reset's probe does.
  const link = '#model=lstm&hidden=32&seq-len=100&seed=4';
  const before = await runThatNeverStopped(link, 2);
  const { page, context, problems } = await openPage(browser, server.url);
  await page.goto(`${server.url}${link}&seed=5`);
  await ready(page);
  await page.evaluate(() => {
    const status = document.querySelector('[data-testid=status]');
    window.probingSeen = [];
    new MutationObserver(() => window.probingSeen.push(status.dataset.probing))
      .observe(status, { attributes: true, attributeFilter: ['data-probing'] });
  });
  await page.getByTestId('load-run').setInputFiles({ name: before.file.name, mimeType: 'application/json', buffer: before.file.bytes });
  await page.waitForFunction(() => location.hash.includes('seed=4'));
  await ready(page);
  assert.deepEqual(await page.evaluate(() => window.probingSeen), ['true', 'false'], 'one look, spanning frames');
  assert.equal(await stepCount(page), 2);
  assert.equal(await state(page), 'paused');
  const curve = (await download(page, 'export-csv')).bytes.toString('utf8').trimEnd().split('\n');
  assert.deepEqual(curve.slice(1).map((l) => Number(l.split(',')[0])), [0, 1, 2], 'the file\'s points, none added by the look');
  await steps(page, 1);
  const last = (await download(page, 'export-csv')).bytes.toString('utf8').trimEnd().split('\n').pop();
  assert.equal(last, before.last, 'the next loss to the last bit');
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('a file dropped on the page loads too, whatever the page showed before', async () => {
  const link = '#model=gru&hidden=10&seq-len=10&seed=5';
  const before = await runThatNeverStopped(link, 3);
  const { page, context, problems } = await openPage(browser, server.url);
  // Another run entirely, already trained a little.
  await page.goto(`${server.url}#model=rnn&task=sine&hidden=20&seed=9`);
  await ready(page);
  await steps(page, 2);
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'run.json', { type: 'application/json' }));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, before.file.bytes.toString('utf8'));
  await page.waitForFunction(() => location.hash.includes('model=gru'));
  assert.equal(await stepCount(page), 3);
  assert.ok(await page.getByTestId('drop-zone').isHidden());
  assert.equal(new URL(page.url()).hash, before.written);
  await steps(page, 1);
  assert.equal(await page.getByTestId('loss').textContent(), before.shown);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('damaged, cut, foreign and newer files are refused with the notice, and the run goes on', async () => {
  const good = (await runThatNeverStopped('#hidden=8&seq-len=6', 2)).file.bytes.toString('utf8');
  const newer = JSON.parse(good);
  newer.version = 99;
  const pageNewer = JSON.parse(good);
  pageNewer.page.version = 2;
  const edited = JSON.parse(good);
  edited.weights[0].rows += 1;
  const cases = [
    ['damaged', 'not json at all', /damaged or cut short/],
    ['cut', good.slice(0, Math.floor(good.length / 2)), /damaged or cut short/],
    ['foreign', JSON.stringify({ name: 'my-package', version: '1.0.0' }), /not a run saved by rnn-lab/],
    ['newer', JSON.stringify(newer), /newer rnn-lab \(file format 99; this page reads up to 1\)/],
    ['newer page part', JSON.stringify(pageNewer), /page settings come from a newer rnn-lab/],
    ['a weight of the wrong shape', JSON.stringify(edited), /weights: .* is 9 × 2, the settings make it 8 × 2/],
  ];
  for (const lang of ['en', 'zh']) {
    const { page, context, problems } = await openPage(browser, server.url);
    await page.goto(`${server.url}#seed=4&hidden=12&lang=${lang}`);
    await ready(page);
    await steps(page, 2);
    const hash = new URL(page.url()).hash;
    for (const [what, text, message] of cases) {
      await page.getByTestId('load-run').setInputFiles({ name: `${what}.json`, mimeType: 'application/json', buffer: Buffer.from(text) });
      await page.getByTestId('notice').waitFor();
      const notice = await noticeText(page);
      if (lang === 'en') {
        assert.match(notice, /The file was not loaded: /, what);
        assert.match(notice, message, `${what}: ${notice}`);
        assert.match(notice, /The run on screen goes on\./);
      } else {
        assert.match(notice, /文件没有载入：.*屏幕上的训练照常进行。/, `${what}: ${notice}`);
      }
      assert.equal(await stepCount(page), 2, `${what}: the step count is unchanged`);
      assert.equal(new URL(page.url()).hash, hash, `${what}: the settings are unchanged`);
      await page.getByRole('button', { name: lang === 'en' ? 'Dismiss' : '关闭' }).click().catch(() => {});
    }
    // The run goes on from where it was.
    await steps(page, 1);
    assert.equal(await stepCount(page), 3);
    assert.deepEqual(problems.pageErrors, []);
    await context.close();
  }
});

test('a Chinese text trains, travels in the link, and comes back with it', async () => {
  const { page, context, problems } = await openPage(browser, server.url);
  await page.goto(`${server.url}#task=chars&model=rnn&hidden=16&seq-len=10&lang=zh`);
  await ready(page);
  const panel = page.getByTestId('user-text-panel');
  assert.ok(await panel.isVisible(), 'shown for the next-character task');
  await panel.locator('summary').click();
  const limits = await panel.textContent();
  assert.match(limits, /至少 11 个字/, 'the limits said before typing');
  assert.match(limits, /最多 100 万个字/);
  assert.match(limits, /2 到 256 个/);
  const text = '早上叠被子，叠好的被子放进柜子。梯度一步一步变小，最后消失了。';
  await page.getByTestId('user-text').fill(text);
  assert.equal(await page.getByTestId('user-text-count').textContent(), `${[...text].length} 个字，其中 ${new Set(text).size} 个不同`);
  await page.getByTestId('user-text-use').click();
  await page.waitForFunction(() => location.hash.includes('text=%E6%97%A9'));
  assert.equal(decodeURIComponent(new URL(page.url()).hash.split('text=')[1].split('&')[0]), text);
  assert.equal(await stepCount(page), 0, 'a new network for the new text');
  await steps(page, 3);
  const loss = Number(await page.getByTestId('loss').textContent());
  assert.ok(Number.isFinite(loss) && loss > 0, `trains: ${loss}`);
  // The output layer has one class per distinct character.
  const link = page.url();
  // The same link opens the same text in the box.
  const second = await openPage(browser, server.url);
  await second.page.goto(link);
  await ready(second.page);
  assert.equal(await second.page.getByTestId('user-text').inputValue(), text);
  assert.ok(await second.page.getByTestId('user-text-panel').evaluate((d) => d.open), 'open when the link has a text');
  await second.context.close();
  assert.deepEqual(problems.pageErrors, []);
  assert.deepEqual(problems.console, []);
  await context.close();
});

test('texts too short, too long or with too many different characters are refused with the reason', async () => {
  const { page, context, problems } = await openPage(browser, server.url);
  await page.goto(`${server.url}#task=chars&model=rnn&hidden=8&seq-len=10`);
  await ready(page);
  await page.getByTestId('user-text-panel').locator('summary').click();
  const hash = new URL(page.url()).hash;
  const distinct300 = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
  for (const [text, reason] of [
    ['', /Not used: the text has 0 characters; this sequence length needs at least 11/],
    ['a', /the text has 1 characters/],
    ['abcabc', /the text has 6 characters; this sequence length needs at least 11/],
    ['ab'.repeat(500_000) + 'a', /the text has 1000001 characters \(at most 1000000\)/],
    [distinct300, /the text has 300 different characters \(allowed: 2 to 256\)/],
    ['aaaaaaaaaaaaaaaaaaaa', /the text has 1 different characters/],
  ]) {
    await page.getByTestId('user-text').fill(text);
    await page.getByTestId('user-text-use').click();
    const message = await page.getByTestId('user-text-message').textContent();
    assert.match(message, reason, `${[...text].length} characters: ${message}`);
    assert.equal(new URL(page.url()).hash, hash, 'nothing changed');
  }
  // Emoji and combining marks train; a long text stays out of the link.
  const emoji = '👍🏽 🇨🇳 👨‍👩‍👧 e\u0301te\u0301 '.repeat(30);
  await page.getByTestId('user-text').fill(emoji);
  await page.getByTestId('user-text-use').click();
  await page.getByTestId('user-text-link-note').waitFor();
  assert.match(await page.getByTestId('user-text-link-note').textContent(), /longer than 200 characters.*JSON/);
  assert.ok(!page.url().includes('text='), 'a long text is not in the link');
  assert.equal(await page.getByTestId('user-text-message').count(), 0);
  await steps(page, 2);
  assert.ok(Number.isFinite(Number(await page.getByTestId('loss').textContent())));
  // …but in the run's file, which brings it back.
  const file = await download(page, 'export-json');
  const run = JSON.parse(file.bytes.toString('utf8'));
  assert.equal(run.config.task.text, emoji);
  await page.getByTestId('user-text-builtin').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=user-text]').value === '');
  await page.getByTestId('load-run').setInputFiles({ name: file.name, mimeType: 'application/json', buffer: file.bytes });
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) === 2);
  assert.equal(await page.getByTestId('user-text').inputValue(), emoji);
  assert.deepEqual(problems.pageErrors, []);
  await context.close();
});

test('a link whose text does not fit its sequence length keeps the rest and says why', async () => {
  const { page, context } = await openPage(browser, server.url);
  await page.goto(`${server.url}#task=chars&seq-len=40&seed=12&text=${encodeURIComponent('a&b=c#d%e f')}`);
  await ready(page);
  const notice = await noticeText(page);
  assert.match(notice, /The link's own text was not used \(the text has 11 characters; this sequence length needs at least 41\)/);
  assert.match(page.url(), /seq-len=40/);
  assert.match(page.url(), /seed=12/);
  assert.ok(!page.url().includes('text='));
  // A text with the URL's own signs in it goes through the link intact.
  const sign = 'a&b=c#d%e+f g&a&b=c#d%e+f g';
  await page.goto(`${server.url}#task=chars&seq-len=10&text=${encodeURIComponent(sign)}`);
  await page.reload();
  await ready(page);
  assert.equal(await page.getByTestId('user-text').inputValue(), sign);
  assert.match(page.url(), /text=a%26b%3Dc%23d%25e%2Bf%20g/);
  await context.close();
});
