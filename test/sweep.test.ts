// Sweeps and comparisons: the plan (grid, random samples, seeds, names), the summary table,
// a real sweep with a diverging run and two runs side by side, an interrupted sweep that
// resumes, and the comparison page checked offline and in a headless browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectRuns, writeComparison } from '../src/compare/index.js';
import { readManifest } from '../src/sweep/index.js';
import { parseAxis, parseSeeds, planSweep } from '../src/sweep/plan.js';
import { meanSd } from '../src/sweep/table.js';
import { CHECKPOINT_FILE } from '../src/runtime/train-loop.js';
import { checkOfflinePage, inBrowser, INSTALL_BROWSER, RUN_BROWSER } from './browser.js';
import { runCli, tempDir } from './helpers.js';

describe('a sweep plan', () => {
  it('is every combination of the listed values, times the seeds, named by what varies', () => {
    const plan = planSweep([parseAxis('train.learning_rate=0.001,0.003'), parseAxis('train.momentum=0.8,0.9'), parseAxis('train.iterations=500')], parseSeeds('1,2'));
    expect(plan.runs).toHaveLength(8);
    expect(plan.runs[0]).toEqual({ name: '1-learning_rate=0.001-momentum=0.8-seed=1', settings: { 'train.learning_rate': '0.001', 'train.momentum': '0.8', 'train.iterations': '500' }, seed: 1 });
    expect(plan.runs.map((r) => r.name).at(-1)).toBe('8-learning_rate=0.003-momentum=0.9-seed=2');
    expect(parseSeeds('1-3,7')).toEqual([1, 2, 3, 7]);
  });

  it('samples ranges with --random: within bounds, the same every time', () => {
    const axes = [parseAxis('train.learning_rate=log(1e-4,1e-1)'), parseAxis('train.batch_size=int(8,64)'), parseAxis('train.optimizer=sgd,adamw')];
    const a = planSweep(axes, [1], 20);
    expect(a.runs).toHaveLength(20);
    expect(planSweep(axes, [1], 20)).toEqual(a);
    for (const run of a.runs) {
      expect(Number(run.settings['train.learning_rate'])).toBeGreaterThanOrEqual(1e-4);
      expect(Number(run.settings['train.learning_rate'])).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(Number(run.settings['train.batch_size']))).toBe(true);
      expect(['sgd', 'adamw']).toContain(run.settings['train.optimizer']);
    }
    // Log-uniform: about as many samples below 1e-2.5 as above.
    const below = a.runs.filter((r) => Number(r.settings['train.learning_rate']) < 10 ** -2.5).length;
    expect(below).toBeGreaterThan(4);
    expect(below).toBeLessThan(16);
  });

  it('refuses what cannot be meant', () => {
    expect(() => planSweep([parseAxis('train.learning_rate=log(1e-4,1e-1)')], [1])).toThrow('a range is sampled only with --random N');
    expect(() => parseAxis('train.learning_rate=0.1,,0.2')).toThrow('a value is empty');
    expect(() => parseAxis('train.learning_rate=log(0,1)')).toThrow('needs positive bounds');
    expect(() => parseSeeds('1,1')).toThrow('a seed is listed twice');
    expect(() => parseSeeds('1,')).toThrow('expected whole numbers');
    expect(() => planSweep([parseAxis(`train.seed=${Array.from({ length: 1001 }, (_, i) => i).join(',')}`)], [1])).toThrow('the sweep has 1001 runs; at most 1000');
  });

  it('refuses to sweep the seed or threads with --set: they have their own flags', async () => {
    const ran = await runCli('sweep', 'configs/example.yaml', '--set', 'train.seed=1,2');
    expect(ran.code).toBe(1);
    expect(ran.err).toContain('--set train.seed=…: error: a sweep sets train.seed with --seeds');
  });

  it('summarises with the mean and sample standard deviation', () => {
    expect(meanSd([0.97, 0.98, 0.99], 4)).toBe('0.9800 ± 0.0100');
    expect(meanSd([0.5], 2)).toBe('0.50');
    expect(meanSd([NaN, 2, 4], 1)).toBe('3.0 ± 1.4');
  });
});

describe('netc sweep and netc compare', () => {
  it('sweeps two values × two seeds, two runs side by side; a diverging run is recorded and the sweep goes on; the page compares them', async () => {
    const out = join(tempDir(), 'sweep');
    const ran = await runCli('sweep', 'configs/example.yaml', '--set', 'train.learning_rate=0.03,100', '--set', 'train.weight_decay=1', '--set', 'train.iterations=40', '--seeds', '1,2', '--parallel', '2', '--out', out);
    expect(ran.err).not.toMatch(/internal error|\n\s+at /);
    expect(ran.code).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.runs.map((r) => [r.name, r.status])).toEqual([
      ['1-learning_rate=0.03-seed=1', 'completed'],
      ['2-learning_rate=0.03-seed=2', 'completed'],
      ['3-learning_rate=100-seed=1', 'diverged'],
      ['4-learning_rate=100-seed=2', 'diverged'],
    ]);
    expect(manifest.threads).toBe(1);
    // The table: the swept value, then mean ± sd over the two seeds.
    expect(ran.out).toMatch(/learning_rate\s+runs\s+test accuracy\s+test loss\s+training s\s+samples\/s\s+status/);
    expect(ran.out).toMatch(/\n\s+0\.03\s+2\s+0\.\d{4} ± 0\.\d{4}\s+\d\.\d{4} ± \d\.\d{4}.*\sok\n/);
    expect(ran.out).toMatch(/\n\s+100\s+2\s.*2 diverged\n/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| 100 | 2 |');
    for (const run of manifest.runs) expect(existsSync(join(out, run.name, 'report.html'))).toBe(true);

    const compared = await runCli('compare', out);
    expect(compared.code).toBe(0);
    const page = join(out, 'compare.html');
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<th>train.learning_rate</th>');
    expect(html).toContain('learning_rate&#x3D;100 seed&#x3D;2');
    expect(html).toContain('href="1-learning_rate&#x3D;0.03-seed&#x3D;1/report.html"');
    expect(await checkOfflinePage(page)).toEqual([]);
    if (RUN_BROWSER) {
      await inBrowser(page, async ({ page: tab, problems, images }) => {
        expect(images.map((i) => i.src)).toEqual(['compare-loss.svg', 'compare-validation.svg']);
        expect(images.filter((i) => !i.loaded)).toEqual([]);
        // Sorting by test accuracy puts the diverged runs first, then reverses.
        const firstRun = () => tab.$eval('#results tbody tr td', (td) => td.textContent);
        await tab.click('#results th:nth-child(5)');
        expect(await firstRun()).toMatch(/^learning_rate=100/);
        await tab.click('#results th:nth-child(5)');
        expect(await firstRun()).toMatch(/^learning_rate=0\.03/);
        expect(problems).toEqual([]);
      });
    } else {
      console.warn(`compare.html was not opened in a browser (needs Chromium: ${INSTALL_BROWSER})`);
    }
  });

  it('an interrupted sweep resumes: finished runs stay, the stopped one continues from its checkpoint', async () => {
    const out = join(tempDir(), 'sweep');
    const child = spawn(process.execPath, ['dist/cli/bin.js', 'sweep', 'configs/example.yaml', '--set', 'train.iterations=20,2000', '--set', 'report.every=10', '--threads', '1', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Once the second run has checkpointed, stop the sweep as Ctrl-C would.
    const log = join(out, 'logs', '2-iterations=2000.log');
    const timer = setInterval(() => {
      if (existsSync(log) && /iteration\s+\d+\/2000/.test(readFileSync(log, 'utf8')) && !child.killed) child.kill('SIGINT');
    }, 100);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(timer);
    expect(code).toBe(130);
    expect(stderr).toContain(`continue with: netc sweep --resume`);
    expect(readManifest(out).runs.map((r) => r.status)).toEqual(['completed', 'interrupted']);
    expect(existsSync(join(out, '2-iterations=2000', CHECKPOINT_FILE))).toBe(true);
    const finished = statSync(join(out, '1-iterations=20', 'metrics.json')).mtimeMs;

    const resumed = await runCli('sweep', '--resume', out);
    expect(resumed.code).toBe(0);
    expect(resumed.err).toContain('1 of 2 runs already finished; 1 to go');
    expect(resumed.err).toContain('(resuming)');
    expect(readFileSync(log, 'utf8')).toMatch(/resuming after iteration \d+/);
    expect(readManifest(out).runs.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect(statSync(join(out, '1-iterations=20', 'metrics.json')).mtimeMs).toBe(finished);
    expect(JSON.parse(readFileSync(join(out, '2-iterations=2000', 'metrics.json'), 'utf8')).train.iterations).toBe(2000);
  });

  it('compare labels runs by what differs, and writes the page where it is asked to', async () => {
    const dir = tempDir();
    for (const seed of ['1', '2']) expect((await runCli('train', 'configs/example.yaml', '--iterations', '20', '--seed', seed, '--out', join(dir, `s${seed}`))).code).toBe(0);
    const runs = collectRuns([join(dir, 's1'), join(dir, 's2')]);
    expect(runs.map((r) => r.label)).toEqual(['example seed=1', 'example seed=2']);
    const files = await writeComparison(runs, join(dir, 'pages', 'seeds.html'));
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(['pages/seeds-loss.png', 'pages/seeds-loss.svg', 'pages/seeds-validation.png', 'pages/seeds-validation.svg', 'pages/seeds.html']);
    expect(await checkOfflinePage(join(dir, 'pages', 'seeds.html'))).toEqual([]);
    expect((await runCli('compare', join(dir, 'nothing'))).err).toContain('is not a folder');
  });
});
