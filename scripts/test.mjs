#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist-test/**/*.test.js) with uvu,
// one uvu process per package so a crash in one package cannot hide the
// others, then prints the totals as `N passed, N failed` for CI.
//
// Usage: node scripts/test.mjs [package ...] [--filter REGEX]
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let filter = '.';
const wanted = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--filter') filter = args[++i];
  else wanted.push(args[i]);
}
const order = ['binary', 'elf', 'dwarf', 'gosym', 'symbolize', 'size', 'unwind', 'core', 'goruntime', 'image', 'debuginfod', 'cli', 'explorer', 'fuzz'];
const packages = order.filter((p) => wanted.length === 0 || wanted.includes(p));
// Tests never write the symbolizer's index cache into the home folder (nor leave fill processes running): off
// unless a test turns it on with a temporary ELFKIT_CACHE_DIR.
process.env.ELFKIT_INDEX_CACHE ??= '0';

function run(pkg) {
  const dir = join(root, 'packages', pkg, 'dist-test');
  if (!existsSync(dir) || readdirSync(dir).length === 0) return Promise.resolve({ passed: 0, failed: 0, skipped: 0, code: 0, none: true });
  return new Promise((resolve) => {
    const uvu = join(root, 'node_modules', 'uvu', 'bin.js');
    const child = spawn(process.execPath, ['--enable-source-maps', uvu, dir, `(^|/)[^/]*${filter === '.' ? '' : `(?:${filter})`}[^/]*\\.test\\.js$`, ...(process.stdout.isTTY ? [] : ['--no-color'])], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      // Off a terminal, --no-color (uvu otherwise sets FORCE_COLOR=1 for itself and every child).
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('close', (code) => {
      // uvu ends with "  Total:     N\n  Passed:    N\n  Skipped:   N"
      const num = (label) => Number((out.match(new RegExp(`${label}:\\s+(\\d+)`)) ?? [])[1] ?? 0);
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped');
      let failed = total - passed - skipped;
      // A crash before uvu's summary still counts as a failure.
      if (code !== 0 && failed === 0) failed = 1;
      resolve({ passed, failed, skipped, code });
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const pkg of packages) {
  process.stdout.write(`\n== ${pkg} ==\n`);
  const r = await run(pkg);
  if (r.none) {
    process.stdout.write('(no tests)\n');
    continue;
  }
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped;
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
