// Time from Play to each lesson page's phenomenon, in headless Chromium on
// this machine (not a test: a table for the README and the issue).
//   node lesson-bench.mjs            (serves ../dist or $DIST)
// For a question: from pressing "reveal" (which presses Play when the
// answer needs training) until the answer is read from the run. For a
// challenge: from Play, with the challenge's solution applied, until it
// passes. Median of 3 runs.

import { serve, launch, openPage, ready } from './lib/harness.mjs';
import { readPages } from './lib/lessons.mjs';

const RUNS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await serve();
const browser = await launch();
const pages = await readPages();
const rows = [];
try {
  for (const p of Object.values(pages)) {
    if (p.question) {
      const ms = [];
      let step = 0;
      for (let i = 0; i < RUNS; i++) {
        const { page, context } = await openPage(browser, server.url);
        await page.goto(`${server.url}#lesson=${p.id}&lang=zh`);
        await ready(page);
        await page.getByTestId('lesson-reveal').waitFor();
        const t0 = Date.now();
        await page.getByTestId('lesson-reveal').click();
        await page.getByTestId('lesson-answer').waitFor({ timeout: 120_000 });
        ms.push(Date.now() - t0);
        step = Number(await page.getByTestId('lesson-answer').getAttribute('data-step'));
        await context.close();
      }
      rows.push([p.id, 'question', `after ${p.after} steps`, step, median(ms)]);
    }
    if (p.challenge) {
      const ms = [];
      let step = 0;
      for (let i = 0; i < RUNS; i++) {
        const { page, context } = await openPage(browser, server.url);
        await page.goto(`${server.url}#lesson=${p.id}&lang=zh&${p.challenge.solution}`);
        await ready(page);
        await page.getByTestId('challenge-status').waitFor();
        const t0 = Date.now();
        await page.getByTestId('play').click();
        await page.waitForFunction(() => document.querySelector('[data-testid=challenge-status]').dataset.state === 'passed', null, { timeout: 120_000, polling: 50 });
        ms.push(Date.now() - t0);
        step = Number(await page.getByTestId('step-count').textContent());
        await context.close();
      }
      rows.push([p.id, 'challenge', p.challenge.solution, step, median(ms)]);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
console.log('| page | what | setup | at step | Play → phenomenon |');
console.log('|---|---|---|---|---|');
for (const [id, what, setup, step, ms] of rows) {
  console.log(`| ${id} | ${what} | ${setup} | ${step} | ${(ms / 1000).toFixed(2)} s |`);
}
