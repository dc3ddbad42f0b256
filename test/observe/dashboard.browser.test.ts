/**
 * The dashboard in a real browser: Playwright (playwright-core) drives
 * Debian's Chromium (/usr/bin/chromium, headless, fresh profile) against the
 * admin listener of the built proxy (a real process with a recording
 * upstream). An attack whose path and excerpt carry `<img src=x
 * onerror=alert(1)>` is sent through the proxy: it must appear on the page as
 * text (no <img> element, no dialog, no script error), the blocked counter
 * must rise, and a benign request must raise the forwarded counter. Waits are
 * on DOM state, never on time. A screenshot goes to test/artifacts/dashboard.png.
 * Skipped with a message when Chromium is not installed (.ci/run installs it).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { xxe, XSS } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const SCREENSHOT = join(ARTIFACTS, 'dashboard.png');

if (!HAVE_CHROMIUM) {
  console.warn(`dashboard browser test skipped: ${CHROMIUM} not found (install it with: apt-get install chromium)`);
}

let upstream: Upstream;
let proxy: ProxyProcess;
let context: BrowserContext;
let page: Page;
let profile: string;
const problems: string[] = [];

describe.skipIf(!HAVE_CHROMIUM)(`dashboard in Chromium (${CHROMIUM})`, () => {
  beforeAll(async () => {
    upstream = await Upstream.start();
    proxy = await startProxy(
      configFor(
        upstream.url,
        `logging: { level: warn }
policies:
  ml: { description: "model uploads", families: { pickle: { action: allowlist, allow: ["@ml-default"] } } }
routes:
  - name: models
    match: { path: /models/ }
    policy: ml`,
      ),
    );
    profile = mkdtempSync(join(tmpdir(), 'dw-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1100 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (d) => {
      problems.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await proxy?.stop();
    await upstream?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const counter = async (name: string): Promise<number> => Number(await page.locator(`#count-${name}`).textContent());

  it('shows a blocked attack as text, counts a forwarded request, and keeps a screenshot', async () => {
    await page.goto(`http://127.0.0.1:${proxy.adminPort}/`);
    await page.waitForSelector('body[data-connection="live"]');
    await page.locator('#config-summary dd', { hasText: `127.0.0.1:${proxy.port}` }).waitFor();
    expect(await page.locator('#mode').textContent()).toBe('block mode');
    await page.locator('#config-routes td', { hasText: 'models' }).first().waitFor();

    const forwarded0 = await counter('forwarded');
    const blocked0 = await counter('blocked');

    // The attack: markup in the path and in the excerpt.
    const body = xxe(XSS);
    const attack = await rawRequest(
      proxy.port,
      req([`POST /upload/${XSS.replaceAll(' ', '/')} HTTP/1.1`, 'Host: app.test', 'X-Request-Id: browser-attack-1', 'Content-Type: application/xml', `Content-Length: ${body.length}`], body),
    );
    expect(attack.responses[0]?.status).toBe(403);

    // Wait for the finding whose excerpt carries the markup (DW-XML-006), then check how it was rendered.
    await page.locator('#findings td', { hasText: 'DW-XML-006' }).first().waitFor();
    await page.waitForFunction((n) => Number(document.getElementById('count-blocked')?.textContent) >= n, blocked0 + 1);
    // Rendered as text: no element was created from request data, nothing ran.
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#findings tbody *[onerror]').count()).toBe(0);
    const excerpts = await page.locator('#findings code.excerpt').allTextContents();
    expect(excerpts).toContain(`${XSS}]><x`);
    expect(excerpts).toContain('<!ENTITY e SYSTEM \\x22file:///etc/passwd\\x22>');
    await page.locator('#findings td', { hasText: `POST /upload/${XSS.replaceAll(' ', '/')}` }).first().waitFor();
    await page.locator('#top-rules td', { hasText: 'DW-XML-001' }).first().waitFor();
    await page.locator('#top-families td', { hasText: 'xml' }).first().waitFor();

    // A benign request raises the forwarded counter.
    const ok = await rawRequest(proxy.port, req(['POST /models/ok HTTP/1.1', 'Host: app.test', 'Content-Type: application/json', 'Content-Length: 11'], '{"ok":true}'));
    expect(ok.responses[0]?.status).toBe(200);
    await page.waitForFunction((n) => Number(document.getElementById('count-forwarded')?.textContent) >= n, forwarded0 + 1);
    expect(await counter('forwarded')).toBe(forwarded0 + 1);
    expect(await counter('blocked')).toBe(blocked0 + 1);
    expect(await counter('requests')).toBe(forwarded0 + blocked0 + 2);

    // The chart drew this second's bars: blocked (red) and forwarded (green) pixels on the canvas.
    const inked = await page.evaluate(() => {
      const c = document.getElementById('chart') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const near = (i: number, r: number, g: number, b: number) => Math.abs(d[i]! - r) < 8 && Math.abs(d[i + 1]! - g) < 8 && Math.abs(d[i + 2]! - b) < 8 && d[i + 3]! > 200;
      let red = 0;
      let green = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (near(i, 0xf8, 0x51, 0x49)) red++;
        else if (near(i, 0x3f, 0xb9, 0x50)) green++;
      }
      return { red, green };
    });
    expect(inked.red).toBeGreaterThan(20);
    expect(inked.green).toBeGreaterThan(20);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
