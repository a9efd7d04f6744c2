// Test harness: serves ../dist on 127.0.0.1 with a tiny static server and
// launches Debian's Chromium through playwright-core (never a browser
// download). Every request that leaves 127.0.0.1 is blocked and recorded, so a
// test can prove the page makes no outside request.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

// The folder served: ../dist, or $DIST.
export const DIST = resolve(process.env.DIST ?? fileURLToPath(new URL('../../dist', import.meta.url)));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Starts a static server of `root` on 127.0.0.1 (a free port). */
export async function serve(root = DIST) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (!file.startsWith(root)) throw new Error('outside root');
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page at 1280×720 with its console errors, page errors and outside
 * requests collected in `problems`. The browser's language is `locale`
 * (English unless asked: the page follows it when the link has no `lang`).
 */
export async function openPage(browser, baseUrl, { width = 1280, height = 720, locale = 'en-US', deviceScaleFactor = 1 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale, deviceScaleFactor });
  const page = await context.newPage();
  const problems = { console: [], pageErrors: [], outside: [], failed: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') problems.console.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(String(e)));
  page.on('requestfailed', (r) => problems.failed.push(r.url()));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.failed.push(`${r.status()} ${r.url()}`);
  });
  const origin = new URL(baseUrl).origin;
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    problems.outside.push(u);
    return route.abort();
  });
  return { page, context, problems };
}

/** Waits until the app has mounted (the status line exists). */
export async function ready(page) {
  await page.getByTestId('status').waitFor({ timeout: 30_000 });
  // A new net is shown from its probe, which a big net computes over
  // frames (the badge says so meanwhile): ready once it is shown.
  await page.locator('[data-testid=status][data-probing=false]').waitFor({ timeout: 60_000 });
}

export const stepCount = async (page) => Number(await page.getByTestId('step-count').textContent());
/**
 * The step count once it has reached `n`: a Step of a big model is computed
 * over frames (and waits for a new net's probe), so a test waits for the
 * count rather than for time, then asserts what it found (a Step that took
 * two steps shows as n + 1).
 */
export async function stepTo(page, n) {
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=step-count]').textContent) >= n, n, { timeout: 60_000 });
  return stepCount(page);
}
export const loss = async (page) => Number(await page.getByTestId('loss').textContent());
export const state = (page) => page.getByTestId('status').getAttribute('data-state');

/**
 * The usual set-up of a test file: one static server of dist/ and one
 * browser for all its tests, closed after them. Returns an object whose
 * `server` and `browser` are there once the `before` hook has run.
 */
export function useBrowser({ before, after }) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serve();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
