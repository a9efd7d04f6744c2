// A long class (issue 13): trains in headless Chromium at the defaults and
// then with the heaviest model the page allows, and records at the end of
// every sampling interval (a minute; shorter in the short mode):
//   - the wasm module's memory (memory.buffer.byteLength: it only grows),
//   - the JS heap after a garbage collection (CDP Runtime.getHeapUsage),
//   - the DOM: elements and nodes (text included) in the document, both
//     without the one table bounded by design (see BOUNDED), whose rows are
//     recorded and checked against its cap,
//   - the frame interval's 95th percentile over that interval.
// Memory and DOM must stay within 10 % of the first sample (taken one
// interval after the first step, once the views have drawn and the buffers
// are allocated);
// the frame interval may not grow (the last interval's p95 against the
// first's, with a margin for a shared machine). Run `cargo xtask soak
// [--minutes N]` (N minutes per phase, default 30) or `node soak.mjs
// --minutes N`; tests/soak.test.mjs runs a short form in `npm test`.

import { fileURLToPath } from 'node:url';
import { serve, launch, openPage, ready, stepCount } from './lib/harness.mjs';

// The page's heaviest model: every size at its largest, which the page
// fits to its work limit by halving the batch (and says so).
export const HEAVIEST = '#model=bilstm&task=adding&seq-len=200&hidden=256&batch-size=256';
export const PHASES = [
  { name: 'defaults', hash: '' },
  { name: 'heaviest', hash: HEAVIEST },
];
/**
 * Parts of the DOM that are bounded by design rather than flat: the
 * gradient-history heatmap's data table holds up to HISTORY_CAP rows and
 * is thinned to half when full (src/views/grad_history.rs), so it fills for
 * minutes and then saw-tooths. It is checked against its cap, and the rest
 * of the DOM (elements and nodes in the document) against the first sample.
 */
const BOUNDED = '[data-testid=grad-history-data]';
export const HISTORY_CAP = 240;
/** Growth allowed after the first sample. */
export const MAX_GROWTH = 0.1;
/** A frame interval "grows" when the last p95 is this much above the first's and 4 ms more. */
const FRAME_GROWTH = 1.5;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN;
};

/** Seconds between samples: a minute, or a third of a phase shorter than three. */
export function sampleSeconds(minutes) {
  return minutes >= 3 ? 60 : (minutes * 60) / 3;
}

/** One sample of the page's memory, DOM and frames since the last one. */
async function sample(page, cdp) {
  const frames = await page.evaluate(() => window.__soakFrames.splice(0));
  // Twice, a moment apart: nodes a redraw just detached are freed by the
  // second collection (a single one left whole replaced tables counted).
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(100);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const counters = await cdp.send('Memory.getDOMCounters');
  const { wasm, elements, nodes, bounded, boundedNodes, historyRows } = await page.evaluate((selector) => {
    // Every node under the bounded tables, text nodes included (as CDP counts).
    const under = (el) => {
      let n = 0;
      const walk = document.createTreeWalker(el, NodeFilter.SHOW_ALL);
      while (walk.nextNode()) n++;
      return n;
    };
    const tables = [...document.querySelectorAll(selector)];
    return {
      wasm: window.__soakWasm?.memory?.buffer?.byteLength ?? NaN,
      elements: document.getElementsByTagName('*').length,
      nodes: under(document),
      bounded: tables.reduce((n, t) => n + t.getElementsByTagName('*').length, 0),
      boundedNodes: tables.reduce((n, t) => n + under(t), 0),
      historyRows: document.querySelectorAll('[data-testid=grad-history-data] tbody tr').length,
    };
  }, BOUNDED);
  return {
    steps: await stepCount(page),
    wasm,
    heap: heap.usedSize,
    elements: elements - bounded,
    // The document's own nodes, text included: CDP's count also holds the
    // detached nodes of replaced tables until Blink collects them, which
    // made a 15 s sample swing by 25 % (the JS heap, after a collection,
    // is where a leak of detached nodes would show).
    nodes: nodes - boundedNodes,
    detached: counters.nodes - nodes,
    historyRows,
    frames: frames.length,
    p95: pct(frames, 0.95),
  };
}

/**
 * Trains one phase for `minutes`, sampling every `sampleSeconds(minutes)`.
 * Returns the samples and what grew (empty when all stayed flat).
 */
export async function soakPhase(browser, baseUrl, phase, minutes, log = () => {}) {
  const { page, context, problems } = await openPage(browser, baseUrl);
  // The wasm exports (memory among them) arrive with trunk's start event;
  // every frame interval is kept until the next sample takes them.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__soakWasm = e.detail.wasm; });
    window.__soakFrames = [];
    let last = performance.now();
    const f = (now) => { window.__soakFrames.push(now - last); last = now; requestAnimationFrame(f); };
    requestAnimationFrame(f);
  });
  const cdp = await context.newCDPSession(page);
  try {
    await page.goto(baseUrl + phase.hash);
    await ready(page);
    await page.getByTestId('play').click();
    // The intervals count from the first finished step: the untrained
    // net's probe comes first (spread over frames: a few seconds for the
    // heaviest model), and the first step allocates the optimiser's state.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=step-count]').textContent) >= 1, null, { timeout: 60_000 });
    const every = sampleSeconds(minutes) * 1000;
    const count = Math.max(1, Math.round((minutes * 60_000) / every));
    const samples = [];
    for (let i = 0; i < count; i++) {
      await page.waitForTimeout(every);
      samples.push(await sample(page, cdp));
      log(phase.name, i + 1, samples.at(-1));
    }
    await page.getByTestId('pause').click();
    return { samples, problems, grew: growth(samples) };
  } finally {
    await context.close();
  }
}

/** What grew past its limit, each as a sentence (empty if nothing did). */
export function growth(samples, { frames = true } = {}) {
  const out = [];
  const [first, ...rest] = samples;
  if (!first) return ['no sample taken'];
  for (const key of ['wasm', 'heap', 'elements', 'nodes']) {
    const worst = Math.max(first[key], ...rest.map((s) => s[key]));
    if (!(worst <= first[key] * (1 + MAX_GROWTH))) {
      out.push(`${key} grew from ${first[key]} to ${worst} (more than ${MAX_GROWTH * 100} %)`);
    }
  }
  const rows = Math.max(...samples.map((s) => s.historyRows));
  if (rows > HISTORY_CAP) out.push(`the gradient history holds ${rows} rows, above its cap of ${HISTORY_CAP}`);
  const last = samples.at(-1);
  if (frames && samples.length > 1 && last.p95 > first.p95 * FRAME_GROWTH + 4) {
    out.push(`the frame interval's p95 grew from ${first.p95.toFixed(1)} ms to ${last.p95.toFixed(1)} ms`);
  }
  return out;
}

const mb = (b) => (b / 1048576).toFixed(1);

export function table(name, samples) {
  const rows = [`  ${name}: sample   steps   wasm MB  JS heap MB  elements  DOM nodes  history rows  frames  frame p95 ms`];
  samples.forEach((s, i) => {
    rows.push(`  ${' '.repeat(name.length)}  ${String(i + 1).padStart(6)} ${String(s.steps).padStart(7)} ${mb(s.wasm).padStart(9)} ${mb(s.heap).padStart(11)} ${String(s.elements).padStart(9)} ${String(s.nodes).padStart(10)} ${String(s.historyRows).padStart(13)} ${String(s.frames).padStart(7)} ${s.p95.toFixed(1).padStart(13)}`);
  });
  return rows.join('\n');
}

async function main() {
  const i = process.argv.indexOf('--minutes');
  const minutes = i > 0 ? Number(process.argv[i + 1]) : 30;
  if (!(minutes > 0)) throw new Error(`--minutes wants a number above 0, not ${process.argv[i + 1]}`);
  const server = await serve();
  const browser = await launch();
  let failed = false;
  try {
    console.log(`soak: ${minutes} min per phase, a sample every ${sampleSeconds(minutes).toFixed(0)} s`);
    for (const phase of PHASES) {
      const start = Date.now();
      const { samples, problems, grew } = await soakPhase(browser, server.url, phase, minutes, (name, n, s) =>
        console.log(`  ${name} #${n}: step ${s.steps}, wasm ${mb(s.wasm)} MB, heap ${mb(s.heap)} MB, ${s.elements} elements, ${s.nodes} nodes, ${s.historyRows} history rows, p95 ${s.p95.toFixed(1)} ms`));
      console.log(`\n${table(phase.name, samples)}\n  (${((Date.now() - start) / 60000).toFixed(1)} min)`);
      const errors = [...problems.console, ...problems.pageErrors];
      for (const g of grew) console.log(`  GREW: ${g}`);
      for (const e of errors) console.log(`  ERROR: ${e}`);
      if (samples.at(-1).steps <= samples[0].steps) console.log('  STALLED: no step between the first and the last sample');
      failed ||= grew.length > 0 || errors.length > 0 || samples.at(-1).steps <= samples[0].steps;
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (failed) {
    console.log('\nsoak: FAILED');
    process.exit(1);
  }
  console.log('\nsoak: memory, DOM and frame interval stayed flat');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
