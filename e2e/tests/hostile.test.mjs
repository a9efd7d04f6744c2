// Hostile input in every input field (issue 13): the seed box, the user
// text box, the sliders, B's value box and a file to load, each given
// markup, quotes of both kinds, control characters and a megabyte of text.
// Each is shown as text or refused with the page's message; no markup
// ever runs (window.__pwned stays unset, no injected element appears), no
// console error or panic, and the page still answers: Step advances the
// step count by one.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, ready, stepCount } from '../lib/harness.mjs';

const env = useBrowser({ before, after });

const MARKUP = '<img src=x onerror=window.__pwned=1>';
const HOSTILE = {
  markup: MARKUP,
  'script tag': '<script>window.__pwned=1</script>',
  quotes: `"'"'\`"><svg onload=window.__pwned=1>'`,
  'control characters': 'a\u0000b\u0007c\u001b[31md\r\ne\u202ef\u200bg\u0008\u007f',
  'a megabyte': 'ab<\'">&'.repeat(149797),
};

/** Nothing injected ran or was built, and no error was reported. */
async function clean(page, problems, what) {
  assert.equal(await page.evaluate(() => window.__pwned), undefined, `${what}: markup ran`);
  const injected = await page.evaluate(() => document.querySelectorAll('[onerror], [onload], img[src="x"]').length
    + [...document.scripts].filter((s) => s.textContent.includes('__pwned')).length);
  assert.equal(injected, 0, `${what}: markup became elements`);
  assert.deepEqual(problems.pageErrors, [], what);
  assert.deepEqual(problems.console, [], what);
}

/** Step still advances the count by exactly one. */
async function answers(page, what) {
  if ((await page.getByTestId('status').getAttribute('data-state')) === 'running') {
    await page.getByTestId('pause').click();
  }
  const n = await stepCount(page);
  await page.getByTestId('step').click();
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) === n + 1, n, { timeout: 20_000 })
    .catch(() => assert.fail(`${what}: Step did not advance the count from ${n}`));
}

/** Sets a control's value as a paste or a script would, then commits it. */
const setValue = (locator, value) => locator.evaluate((el, v) => {
  el.value = v;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}, value);

test('the seed box and the sliders take hostile values as numbers or refuse them', { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=10&seed=5`);
  await ready(page);
  const wild = [...Object.values(HOSTILE), '1e999', '-1', '18446744073709551616', '0x10', ' 7 ', 'NaN'];
  for (const value of wild) {
    const what = `seed ${JSON.stringify(value.slice(0, 40))}`;
    await setValue(page.getByTestId('seed'), value);
    // The box shows a seed (the one in use): a whole number, never the text.
    const shown = await page.getByTestId('seed').inputValue();
    assert.match(shown, /^\d+$/, `${what}: the box shows ${JSON.stringify(shown.slice(0, 40))}`);
    assert.match(page.url(), new RegExp(`seed=${shown}(&|$)`), `${what}: the link holds the seed shown`);
    await clean(page, problems, what);
    for (const key of ['hidden', 'seq-len', 'batch-size']) {
      await setValue(page.getByTestId(key), value);
      const v = await page.getByTestId(key).inputValue();
      assert.match(v, /^\d+$/, `${key} ${what}`);
    }
    await clean(page, problems, `sliders ${what}`);
  }
  await answers(page, 'after the seed box and sliders');
  await clean(page, problems, 'at the end');
  await context.close();
});

test('the text box shows hostile text as text or refuses it with its message', { timeout: 180_000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#task=chars&seq-len=10&hidden=8`);
  await ready(page);
  await page.getByTestId('user-text-panel').locator('summary').click();
  for (const [what, raw] of Object.entries(HOSTILE)) {
    // Long enough for the sequence: the short ones repeated.
    const text = raw.length < 40 ? raw.repeat(4) : raw;
    await page.getByTestId('user-text').fill(text);
    await page.getByTestId('user-text-use').click();
    const message = page.getByTestId('user-text-message');
    await page.waitForTimeout(300);
    if (await message.count()) {
      assert.ok((await message.textContent()).length > 0, `${what}: an empty message`);
    } else {
      // Taken: its characters are counted as the engine counts them.
      assert.match(await page.getByTestId('user-text-count').textContent(), /^\d+ characters, \d+ different/, what);
    }
    // The box still holds the text as typed, as text (a text box keeps
    // its line breaks as \n).
    assert.equal(await page.getByTestId('user-text').inputValue(), text.replace(/\r\n?/g, '\n'), what);
    await answers(page, `text: ${what}`);
    await clean(page, problems, `text: ${what}`);
  }
  await context.close();
});

test("B's value box takes hostile values as numbers or refuses them", { timeout: 120_000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=10&compare=on`);
  await ready(page);
  await page.getByTestId('b-key').selectOption('seed');
  await page.getByTestId('b-number').waitFor();
  for (const [what, value] of Object.entries(HOSTILE)) {
    await setValue(page.getByTestId('b-number'), value);
    const diff = await page.getByTestId('b-diff').textContent();
    assert.ok(!diff.includes('<'), `B: ${what}: ${diff.slice(0, 80)}`);
    await clean(page, problems, `B: ${what}`);
  }
  // A value the box does take still works after all that.
  await setValue(page.getByTestId('b-number'), '9');
  await page.waitForFunction(() => /9/.test(document.querySelector('[data-testid=b-diff]').textContent));
  await answers(page, "after B's box");
  await clean(page, problems, "B's box at the end");
  await context.close();
});

test('a hostile file to load is refused with the message, its name and contents shown as text', { timeout: 180_000 }, async () => {
  const { page, context, problems } = await openPage(env.browser, env.server.url);
  await page.goto(`${env.server.url}#seq-len=10&seed=4`);
  await ready(page);
  await answers(page, 'before loading');
  const hash = new URL(page.url()).hash;
  // Files that look like ours up to a point, with markup where text goes.
  const ours = (over) => JSON.stringify({ format: 'rnn-lab-run', version: 1, page: { version: 1, settings: MARKUP, text: MARKUP }, ...over });
  const files = [
    ...Object.entries(HOSTILE).map(([what, text]) => [what, `${MARKUP}.json`, text]),
    ['another program named in markup', 'a.json', JSON.stringify({ format: MARKUP, version: 1 })],
    ['a version in markup', 'b.json', JSON.stringify({ format: 'rnn-lab-run', version: MARKUP })],
    ['markup settings and text', `"'${MARKUP}.json`, ours({ config: MARKUP })],
    ['markup keys', 'c.json', `{"${MARKUP}": 1, "format": "rnn-lab-run", "version": 1, "page": {"version": 1}}`],
    ['nested a million deep', 'd.json', '['.repeat(1 << 20)],
    ['a megabyte string', 'e.json', JSON.stringify({ format: 'x'.repeat(1 << 20) })],
    ['control characters', 'f.json', '{"format":"\u0000\u0007\u001b","version":1}'],
  ];
  for (const [what, name, text] of files) {
    await page.getByTestId('load-run').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.getByTestId('notice').waitFor({ timeout: 20_000 });
    const notice = await page.getByTestId('notice').textContent();
    assert.match(notice, /The file was not loaded: .*The run on screen goes on\./s, `${what}: ${notice.slice(0, 200)}`);
    assert.ok(notice.length < 2000, `${what}: the message repeats the file (${notice.length} characters)`);
    assert.equal(new URL(page.url()).hash, hash, `${what}: the settings are unchanged`);
    await clean(page, problems, `file: ${what}`);
    await page.getByRole('button', { name: 'Dismiss' }).click().catch(() => {});
  }
  await answers(page, 'after the files');
  await clean(page, problems, 'files at the end');
  await context.close();
});
