// Copies the browser builds of the npm dependencies into web/vendor/, which the dashboard
// serves as /assets/vendor/. Runs after `npm ci` (postinstall); vendor/ is not committed.
import { copyFileSync, mkdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const vendor = join(web, 'vendor');

const files = [
  ['node_modules/uplot/dist/uPlot.esm.js', 'uPlot.esm.js'],
  ['node_modules/uplot/dist/uPlot.min.css', 'uPlot.min.css'],
  ['node_modules/uplot/LICENSE', 'uPlot.LICENSE.txt'],
];

mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) {
  const source = join(web, from);
  if (!existsSync(source)) {
    console.error(`copy-vendor: ${from} is missing; run npm ci in web/`);
    process.exit(1);
  }
  copyFileSync(source, join(vendor, to));
}
console.log(`copy-vendor: ${files.length} files in ${vendor}`);
