import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@elfkit/fixtures';

test('the README quick start is two commands and .ci/run runs the second verbatim', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const m = /## Quick start\n+```[a-z]*\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, 'a Quick start heading followed by a fenced block');
  const commands = m![1]!.trim().split('\n');
  assert.is(commands.length, 2);
  const ci = readFileSync(join(repoRoot, '.ci', 'run'), 'utf8').split('\n');
  assert.ok(ci.includes(commands[1]!), '.ci/run contains the test command verbatim');
  assert.match(commands[0]!, /elfkit .*fixtures\//);
});

test.run();
