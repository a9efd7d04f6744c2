// The lesson pages as src/lessons/pages.rs states them, for the browser
// test and the lesson benchmark: id → { query, view, question, after,
// challenge: { solution } }.

import { readFile } from 'node:fs/promises';

/** The pages as the Rust table states them. */
export async function readPages() {
  const src = await readFile(new URL('../../src/lessons/pages.rs', import.meta.url), 'utf8');
  const consts = Object.fromEntries([...src.matchAll(/const ([A-Z]+): &str = "([^"]*)";/g)].map((m) => [m[1], m[2]]));
  const pages = {};
  const blocks = src.split(/\n    Page \{\n/).slice(1);
  for (const b of blocks) {
    const id = b.match(/id: "([^"]+)"/)[1];
    const q = b.match(/query: (?:"([^"]*)"|([A-Z]+)),/);
    const query = q[1] ?? consts[q[2]];
    const view = b.match(/view: "([^"]+)"/)[1];
    const question = /question: Some/.test(b);
    const after = Number(b.match(/after: (\d+),/)?.[1] ?? -1);
    const solution = b.match(/solution: "([^"]*)",\n\s*\}\),/)?.[1];
    pages[id] = { id, query, view, question, after, challenge: solution === undefined ? null : { solution } };
  }
  return pages;
}

