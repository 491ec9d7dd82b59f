// Pages opened in a real headless browser (Debian's Chromium, driven by playwright-core),
// offline: every request that is not a file is a problem, like every console error.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const INSTALL_BROWSER = 'apt-get install -y chromium';
/** .ci/run installs Chromium and sets NETC_REQUIRE_BROWSER=1: there a missing browser is a failure. */
export const RUN_BROWSER = existsSync(CHROMIUM) || process.env.NETC_REQUIRE_BROWSER === '1';

export interface OpenedPage {
  readonly page: Page;
  /** Console errors, page errors and network requests, as they happened. */
  readonly problems: string[];
  /** Each <img>: its src, and whether it loaded. */
  readonly images: { src: string | null; loaded: boolean }[];
}

/** Opens `file` and runs `use` on it; the browser is closed after. */
export async function inBrowser<T>(file: string, use: (opened: OpenedPage) => Promise<T>): Promise<T> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium package (.ci/run does) or set CHROMIUM_PATH`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      if (!request.url().startsWith('file://') && !request.url().startsWith('data:')) problems.push(`network: ${request.url()}`);
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const images = await page.$$eval('img', (imgs) => imgs.map((img) => ({ src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0 })));
    return await use({ page, problems, images });
  } finally {
    await browser.close();
  }
}

/**
 * What a page promises that needs no browser: valid HTML (html-validate's recommended rules),
 * every local file it names present beside it, and no network address anywhere it loads from.
 */
export async function checkOfflinePage(file: string): Promise<string[]> {
  const { HtmlValidate, StaticConfigLoader } = await import('html-validate');
  const { dirname, join } = await import('node:path');
  const { readFileSync } = await import('node:fs');
  const validator = new HtmlValidate(new StaticConfigLoader({ extends: ['html-validate:recommended'], rules: { 'doctype-style': 'off' } }));
  const report = await validator.validateFile(file);
  const problems = report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
  const html = readFileSync(file, 'utf8');
  for (const [, attribute, url] of html.matchAll(/\b(src|href)="([^"]*)"/g)) {
    if (/^[a-z]+:/i.test(url!)) problems.push(`${attribute}="${url}" is not a local file`);
    else if (!existsSync(join(dirname(file), decodeURI(url!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'))))) problems.push(`${attribute}="${url}" names a file that is not there`);
  }
  return problems;
}
