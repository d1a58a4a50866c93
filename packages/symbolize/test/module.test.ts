// The places later work plugs into: a host that adds its own search
// places (a debugger's file system), a module mapped with a load bias (a
// core file's mapped files), and the call-frame tables an unwinder asks a
// module for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BytesSource } from '@elfkit/binary';
import { fixtureBytes, fixturePath } from '@elfkit/fixtures';
import { FileSource } from '@elfkit/symbolize/node';
import { Symbolizer, type CodeAnswer, type SymbolizeHost } from '@elfkit/symbolize';

const show = (a: CodeAnswer) => (a.found ? a.frames.map((f) => `${f.function} ${f.file}:${f.line}:${f.column}`).join(' | ') : `miss: ${a.reason}`);

test('a host adds a search place: the debug file is found only through its candidates hook', async () => {
  const files: Record<string, Uint8Array> = {
    '/bin/app': fixtureBytes('c/gcc-stripped'),
    '/store/debug/app.debug': fixtureBytes('c/gcc-stripped.debug'),
  };
  const asked: string[] = [];
  const host = (withHook: boolean): SymbolizeHost => ({
    open: async (p) => {
      asked.push(p);
      return files[p] && new BytesSource(files[p]!);
    },
    candidates: withHook ? (req, defaults) => (req.kind === 'separate' ? ['/store/debug/app.debug', ...defaults] : defaults) : undefined,
  });
  const plain = new Symbolizer(host(false), { debugFileDirectories: ['/nowhere'] });
  const hooked = new Symbolizer(host(true), { debugFileDirectories: ['/nowhere'] });
  const a = await plain.code(await plain.module('/bin/app'), 0x11aen);
  const b = await hooked.code(await hooked.module('/bin/app'), 0x11aen);
  assert.is(a.found && a.source, 'symtab', 'without the hook only the symbol table answers');
  assert.is(b.found && b.source, 'dwarf');
  assert.match(show(b), /^main \/elfkit\/fixtures\/src\/c\/main\.c:15:1$/);
  assert.ok(asked.includes('/store/debug/app.debug'));
  const m = await hooked.module('/bin/app');
  assert.is(m.dwarfOrigin?.path, '/store/debug/app.debug');
  // The hook's place is checked like a debug link: a file with another CRC is refused.
  const other = new Symbolizer(
    { open: async (p) => (p === '/bin/app' ? new BytesSource(files['/bin/app']!) : p === '/x.debug' ? new BytesSource(fixtureBytes('c/gcc-dwarf5')) : undefined), candidates: () => ['/x.debug'] },
    {},
  );
  const c = await other.code(await other.module('/bin/app'), 0x11aen);
  assert.is(c.found && c.source, 'symtab');
});

test('a module mapped with a load bias answers runtime addresses as the file answers link-time ones', async () => {
  const bytes = fixtureBytes('c/gcc-pie');
  const host: SymbolizeHost = { open: (p) => (p === 'pie' ? new BytesSource(bytes) : undefined) };
  const s = new Symbolizer(host);
  const base = 0x5555_5555_4000n;
  const linked = await s.module('pie');
  const mapped = await s.module('pie', { bias: base });
  assert.is.not(linked, mapped, 'one module per bias');
  for (const a of [0x11aen, 0x1200n, 0x1300n, 0x1400n]) {
    const x = await s.code(linked, a);
    const y = await s.code(mapped, base + a);
    assert.is(show(y), show(x), `0x${a.toString(16)}`);
    assert.is(y.address, base + a);
  }
  const d = await s.data(mapped, base + 0x4010n);
  assert.equal(d.found && d.symbol, (await s.data(linked, 0x4010n)).found && (await s.data(linked, 0x4010n) as { symbol: unknown }).symbol);
});

test('unwind tables: .eh_frame and .eh_frame_hdr of the binary, the pclntab of a Go binary', async () => {
  const files: Record<string, Uint8Array> = { c: fixtureBytes('c/gcc-O2'), go: fixtureBytes('go/go1.27-amd64-sw') };
  const s = new Symbolizer({ open: (p) => files[p] && new BytesSource(files[p]!) });
  const c = await (await s.module('c')).unwindTables();
  assert.ok(c.ehFrame && c.ehFrame.data.length > 0 && c.ehFrame.address > 0n);
  assert.ok(c.ehFrameHdr && c.ehFrameHdr.data.length > 0);
  assert.is(c.go, undefined);
  const g = await (await s.module('go')).unwindTables();
  assert.ok(g.go && g.go.table.funcCount > 1000);
  const broken = await (await s.module('absent')).unwindTables();
  assert.equal(broken, {});
});

test('FileSource.readAsync reads what read does (off the main thread); a closed file rejects', async () => {
  const f = new FileSource(fixturePath('c/gcc-zlib'));
  const whole = fixtureBytes('c/gcc-zlib');
  assert.equal(await f.readAsync(0, 64), whole.subarray(0, 64));
  assert.equal(await f.readAsync(100, whole.length - 100), whole.subarray(100));
  // Past the end: what is there (read's contract too).
  assert.equal(await f.readAsync(whole.length - 4, 16), whole.subarray(whole.length - 4));
  f.close();
  await f.readAsync(0, 4).then(
    () => assert.unreachable('a closed file read'),
    (e: Error) => assert.match(e.message, /closed/),
  );
});

test.run();
