#!/usr/bin/env node
// Renders media/src/icon.svg to media/icon.png (128x128, the Marketplace's size) in headless chromium, driven by the
// playwright-core of the end-to-end test bed (run `bash test/e2e/setup.sh` once). The PNG is committed; rerun this
// after editing the SVG: node media/src/renderIcon.mjs [path/to/chromium]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { chromium } = createRequire(join(root, 'test/e2e/env/runner/package.json'))('playwright-core');
const out = join(root, 'media', 'icon.png');

const browser = await chromium.launch({ executablePath: process.argv[2] ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(`<!doctype html><html><body style="margin:0">${readFileSync(join(here, 'icon.svg'), 'utf8')}</body></html>`);
  await page.screenshot({ path: out, omitBackground: true });
} finally {
  await browser.close();
}
const png = readFileSync(out);
const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
if (width !== 128 || height !== 128) throw new Error(`expected a 128x128 PNG, got ${width}x${height}`);
console.log(`wrote ${out} (${width}x${height}, ${png.length} bytes)`);
