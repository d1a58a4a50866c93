import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
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

/** The READMEs a user reads: the repository's and each package's. */
function readmes(): { name: string; text: string }[] {
  const out = [{ name: 'README.md', text: readFileSync(join(repoRoot, 'README.md'), 'utf8') }];
  for (const dir of readdirSync(join(repoRoot, 'packages')).sort()) {
    const p = join(repoRoot, 'packages', dir, 'README.md');
    if (existsSync(p)) out.push({ name: `packages/${dir}/README.md`, text: readFileSync(p, 'utf8') });
  }
  return out;
}

test('every README code block in TypeScript type-checks against the packages', () => {
  // Each package README's block is a module of its own; the repository
  // README's blocks continue one another (the second uses the first's
  // \`elf\`), so they are one module. They are written beside this package,
  // whose node_modules holds every @elfkit package, and checked as a Node
  // ESM user's project would be. A block names what it takes from elsewhere
  // with \`declare\`.
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'readme-blocks');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const where = new Map<string, string>();
  for (const { name, text } of readmes()) {
    const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    assert.ok(blocks.length > 0, `${name} has a TypeScript example`);
    const modules = name === 'README.md' ? [blocks.join('\n')] : blocks;
    modules.forEach((code, i) => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}-${i + 1}.ts`);
      writeFileSync(file, `${code}\nexport {};\n`);
      where.set(file, name === 'README.md' ? name : `${name} block ${i + 1}`);
    });
  }
  assert.ok(where.size >= 10, `${where.size} modules`);
  const program = ts.createProgram([...where.keys()], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(repoRoot, 'node_modules', '@types')],
  });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file ? (where.get(d.file.fileName) ?? d.file.fileName) : ''}${at ? `:${at.line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  assert.equal(problems, []);
  rmSync(dir, { recursive: true, force: true });
});

test.run();
