/**
 * Draws the app's icons (static/icons/) from one SVG with headless Chromium: the installable
 * app needs PNGs at 192 and 512 px, and a "maskable" one whose artwork keeps inside the 80 %
 * safe zone a launcher may crop to a circle. Run by hand when the artwork changes:
 * `npx tsx scripts/make-icons.ts`.
 */
import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';

const artwork = (pad: number) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${-pad} ${-pad} ${32 + 2 * pad} ${32 + 2 * pad}">` +
  `<rect x="${-pad}" y="${-pad}" width="${32 + 2 * pad}" height="${32 + 2 * pad}" fill="#ffffff"/>` +
  `<circle cx="16" cy="16" r="14" fill="#4f46e5"/>` +
  `<path d="M16 16 L16 2 A14 14 0 0 1 29.3 11.7 Z" fill="#f59e0b"/></svg>`;

const out = new URL('../static/icons/', import.meta.url);
writeFileSync(new URL('icon.svg', out), artwork(1) + '\n');
const browser = await chromium.launch({
  executablePath: process.env.SLICE_CHROMIUM ?? '/usr/bin/chromium'
});
const page = await browser.newPage();
for (const [name, size, pad] of [
  ['icon-192.png', 192, 1],
  ['icon-512.png', 512, 1],
  ['maskable-512.png', 512, 6]
] as const) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${artwork(pad)}`
  );
  writeFileSync(new URL(name, out), await page.screenshot());
}
await browser.close();
console.log('make-icons: static/icons/icon.svg, icon-192.png, icon-512.png, maskable-512.png');
