// pprof and the sanitizers drive llvm-symbolizer through a pipe: one
// address, wait for its answer, the next. Each answer must come while
// standard input stays open.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fixturePath } from '@elfkit/fixtures';
import { ELFKIT } from './cli.js';

/** Sends each line, waits until the output holds `done(output)`, and returns the answers; fails after 20 s without one. */
async function converse(args: string[], lines: string[], done: (out: string, k: number) => boolean): Promise<string[]> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [ELFKIT, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const answers: string[] = [];
  try {
    for (let k = 0; k < lines.length; k++) {
      const before = out.length;
      child.stdin.write(lines[k] + '\n');
      const start = Date.now();
      while (!done(out.slice(before), k)) {
        if (Date.now() - start > 20_000) throw new Error(`no answer to ${JSON.stringify(lines[k])} while stdin is open; got ${JSON.stringify(out.slice(before))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      answers.push(out.slice(before));
    }
  } finally {
    child.stdin.end();
    child.kill();
  }
  return answers;
}

test('elfkit symbolize answers each line while standard input stays open (LLVM and JSON styles)', async () => {
  const bin = fixturePath('c/gcc-O2');
  const llvm = await converse(['symbolize', `--obj=${bin}`], ['0x12c0', '0x1060', '0x1'], (o) => o.endsWith('\n\n'));
  assert.match(llvm[0]!, /^shape_area\n/);
  assert.match(llvm[1]!, /^main\n/);
  assert.match(llvm[2]!, /^\?\?\n/);
  const json = await converse(['symbolize', '--output-style=JSON', `--obj=${bin}`], ['0x12c0', 'CODE 0x1060'], (o) => o.endsWith('\n'));
  assert.is(JSON.parse(json[0]!).Symbol[0].FunctionName, 'shape_area');
  assert.is(JSON.parse(json[1]!).Symbol[0].FunctionName, 'main');
});

test('elfkit addr2line answers each line while standard input stays open', async () => {
  const bin = fixturePath('c/gcc-O2');
  const a = await converse(['addr2line', '-f', '-e', bin], ['0x12c0', '0x1060'], (o) => o.split('\n').length >= 3);
  assert.match(a[0]!, /^shape_area\n.*shapes\.c:\d+/);
  assert.match(a[1]!, /^main\n.*main\.c:\d+/);
});

test.run();
