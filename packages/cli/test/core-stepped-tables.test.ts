// elfkit core inflates libc's compressed `.debug_info`, `.debug_abbrev` and
// `.debug_line` only as far as the backtraces' units reach (in steps on the
// thread pool, and on the main thread where a lookup reads further than the
// steps went), and answers as a symbolizer that inflates them whole does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { CoreProcess, CoreSymbols, type SymbolizedBacktrace } from '@elfkit/core';
import { ElfFile, type SectionInflater } from '@elfkit/elf';
import { Symbolizer } from '@elfkit/symbolize';
import { nodeDecompressors, nodeHost, openSource } from '@elfkit/symbolize/node';
import { skip } from '@elfkit/fixtures';
import { NodeCoreHost } from '../dist/core/node-host.js';
import { withZlibHandle } from '../dist/core/pool-inflate.js';
import { makeCore, program } from './core-programs.js';
import { scratch } from './support.js';

const work = scratch('elfkit-core-tables-');

/** The sections inflated in steps while `run` ran, by name (the last of each name). */
async function steppedDuring(run: () => Promise<unknown>): Promise<Map<string, SectionInflater>> {
  const seen = new Map<string, SectionInflater>();
  const own = ElfFile.prototype.inflateInSteps;
  ElfFile.prototype.inflateInSteps = async function (this: ElfFile, s, start) {
    const got = await own.call(this, s, start);
    if (got) seen.set(s.name, got);
    return got;
  };
  try {
    await run();
  } finally {
    ElfFile.prototype.inflateInSteps = own;
  }
  return seen;
}

async function backtraces(core: string, stepped: boolean): Promise<SymbolizedBacktrace[]> {
  const dirs = ['/usr/lib/debug'];
  const p = CoreProcess.open(openSource(core), { host: new NodeCoreHost(), decompressors: nodeDecompressors, debugFileDirectories: dirs });
  const symbolizer = new Symbolizer(stepped ? withZlibHandle(nodeHost()) : nodeHost(), { debugFileDirectories: dirs, symbolTableNames: false, debugFileSymbols: true });
  return new CoreSymbols(p, symbolizer).backtraces(p.threads);
}

const answers = (all: SymbolizedBacktrace[]) => all.map((bt) => bt.frames.map((f) => [f.frame.pc, f.miss, f.functions.map((x) => [x.function, x.file, x.line, x.column, x.discriminator, x.startLine])]));

test('libc\'s .debug_info, .debug_abbrev and .debug_line are inflated only part of the way, and the answers are those of whole sections', async () => {
  const prog = program('c-O2', 'stepped table inflation');
  if (!prog) return;
  const c = makeCore(prog.exe, ['segv'], join(work, 'segv'));
  if ('error' in c) return void skip('stepped table inflation', c.error);
  let got: SymbolizedBacktrace[] = [];
  const stepped = await steppedDuring(async () => void (got = await backtraces(c.path, true)));
  if (!stepped.has('.debug_info')) return void skip('stepped table inflation', 'libc has no debug file with compressed DWARF here (libc6-dbg)');
  for (const name of ['.debug_info', '.debug_abbrev', '.debug_line']) {
    const s = stepped.get(name);
    assert.ok(s, `${name} inflated in steps`);
    assert.ok(s.available > 0 && s.available < s.bytes.length, `${name}: ${s.available} of ${s.bytes.length} bytes inflated`);
  }
  const whole = await backtraces(c.path, false);
  assert.ok(whole.some((bt) => bt.frames.some((f) => f.functions.some((x) => x.line))), 'frames with lines');
  assert.equal(answers(got), answers(whole));
});

test.run();
