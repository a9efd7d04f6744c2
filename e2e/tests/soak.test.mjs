// The short form of the soak (e2e/soak.mjs): each phase trains for 15 s
// with a sample every 5 s. Memory and DOM must stay within 10 % of the
// first sample and training must go on; frame times are only reported
// here (a test never asserts wall-clock time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from '../lib/harness.mjs';
import { PHASES, soakPhase, growth, table } from '../soak.mjs';

const env = useBrowser({ before, after });

for (const phase of PHASES) {
  test(`soak, short: ${phase.name} stays flat`, { timeout: 120_000 }, async () => {
    const { samples, problems } = await soakPhase(env.browser, env.server.url, phase, 0.25);
    console.log(table(phase.name, samples));
    assert.equal(samples.length, 3);
    assert.deepEqual([...problems.console, ...problems.pageErrors], []);
    assert.ok(samples.every((s) => s.wasm > 0 && s.nodes > 0 && s.frames > 0), JSON.stringify(samples));
    assert.ok(samples.at(-1).steps > samples[0].steps, 'training went on');
    assert.deepEqual(growth(samples, { frames: false }), []);
  });
}
