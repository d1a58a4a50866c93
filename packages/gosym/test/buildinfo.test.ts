// Build info: both blob formats, the module info framing, and Go's exact
// quoting and parsing rules (checked against Go's own strconv.Quote and
// runtime/debug.ParseBuildInfo + BuildInfo.String).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, run, skip } from '@elfkit/fixtures';
import { formatBuildInfo, formatVersionM, goQuote, memoryImage, ModInfoError, parseModInfo, readBuildInfo, readRawBuildInfo } from '../dist/index.js';
import { goEnv, newestGo } from './tools.js';

const START = [0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6];
const END = [0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2];
const MAGIC = [0xff, ...new TextEncoder().encode(' Go buildinf:')];
const enc = (s: string) => [...new TextEncoder().encode(s)];

const MODINFO = 'path\texample.com/app\nmod\texample.com/app\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=\n=>\t../sys\t(devel)\t\nbuild\t-ldflags="-X main.v=1 -s"\nbuild\tGOARCH=amd64\n';

function uvarint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

test('inline (Go 1.18+) blob: varint strings, sentinels stripped', () => {
  const mod = [...START, ...enc(MODINFO), ...END];
  const blob = new Uint8Array([...MAGIC, 8, 2, ...new Array(16).fill(0), ...uvarint(8), ...enc('go1.22.1'), ...uvarint(mod.length), ...mod]);
  const image = memoryImage({ order: 'little', pointerSize: 8, sections: [{ name: '.go.buildinfo', address: 0x2000n, data: blob }], segments: [{ address: 0x2000n, data: blob, flags: 'rw' }] });
  const raw = readRawBuildInfo(image)!;
  assert.is(raw.format, 'inline');
  assert.is(raw.goVersion, 'go1.22.1');
  assert.is(raw.modinfo, MODINFO);
  const bi = readBuildInfo(image)!;
  assert.is(bi.path, 'example.com/app');
  assert.equal(bi.deps[0]!.replace, { path: '../sys', version: '(devel)', sum: '', replace: null });
  assert.equal(bi.settings[0], { key: '-ldflags', value: '-X main.v=1 -s' });
  assert.is(
    formatVersionM('app', bi),
    'app: go1.22.1\n\tpath\texample.com/app\n\tmod\texample.com/app\t(devel)\t\n\tdep\tgolang.org/x/sys\tv0.1.0\n\t=>\t../sys\t(devel)\t\n\t\n\tbuild\t-ldflags="-X main.v=1 -s"\n\tbuild\tGOARCH=amd64\n',
  );
});

for (const [order, ptr] of [['little', 8], ['big', 8], ['little', 4], ['big', 4]] as const) {
  test(`pointer (before 1.18) blob, ${order} endian, ${ptr}-byte pointers, found in the first writable segment`, () => {
    const le = order === 'little';
    const base = 0x10000;
    const data = new Uint8Array(0x200);
    const dv = new DataView(data.buffer);
    const put = (at: number, v: number) => (ptr === 8 ? dv.setBigUint64(at, BigInt(v), le) : dv.setUint32(at, v, le));
    data.set(MAGIC, 0x20); // 16-aligned, after unrelated data
    data[0x20 + 14] = ptr;
    data[0x20 + 15] = le ? 0 : 1;
    put(0x20 + 16, base + 0x80); // &runtime.buildVersion
    put(0x20 + 16 + ptr, base + 0x90); // &runtime.modinfo
    const vers = enc('go1.15.5');
    const mod = [...START, ...enc('path\tx\n'), ...END];
    put(0x80, base + 0x100);
    put(0x80 + ptr, vers.length);
    put(0x90, base + 0x120);
    put(0x90 + ptr, mod.length);
    data.set(vers, 0x100);
    data.set(mod, 0x120);
    const image = memoryImage({
      order,
      pointerSize: ptr,
      segments: [
        { address: 0x1000n, data: new Uint8Array(64), flags: 'rx' },
        { address: BigInt(base), data, flags: 'rw' },
      ],
    });
    const raw = readRawBuildInfo(image)!;
    assert.is(raw.format, 'pointer');
    assert.is(raw.source, 'segment');
    assert.is(raw.goVersion, 'go1.15.5');
    assert.is(raw.modinfo, 'path\tx\n');
  });
}

test('module info without the sentinel framing is ignored, as Go does', () => {
  const blob = new Uint8Array([...MAGIC, 8, 2, ...new Array(16).fill(0), 8, ...enc('go1.20.1'), 5, ...enc('hello')]);
  const image = memoryImage({ order: 'little', pointerSize: 8, sections: [{ name: '.go.buildinfo', address: 0n, data: blob }], segments: [{ address: 0n, data: blob, flags: 'rw' }] });
  assert.is(readRawBuildInfo(image)!.modinfo, '');
  assert.is(formatVersionM('f', readBuildInfo(image)!), 'f: go1.20.1\n');
});

test('module info parse errors name the line, as Go', () => {
  assert.throws(() => parseModInfo('path\tp\nmod\ta\n'), (e: ModInfoError) => e.line === 2 && /2 or 3 columns; got 1/.test(e.message));
  assert.throws(() => parseModInfo('=>\ta\tb\tc\n'), /replacement with no module/);
  assert.throws(() => parseModInfo('build\tk=a b\n'), /must be quoted/);
  assert.throws(() => parseModInfo('build\t=v\n'), /missing key/);
  assert.equal(parseModInfo('build\t"a=b"="c\\td"\n').settings, [{ key: 'a=b', value: 'c\td' }]);
  assert.equal(parseModInfo('build\tk=\n').settings, [{ key: 'k', value: '' }]);
});

/** The Go oracle: a small program using strconv.Quote and runtime/debug, built once into .cache. */
function goOracle(): string | undefined {
  const go = newestGo();
  if (!go) return undefined;
  const dir = join(cacheDir, 'go-oracle', 'buildinfo');
  const bin = join(dir, 'oracle');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module oracle\n\ngo 1.22\n');
  writeFileSync(
    join(dir, 'main.go'),
    `package main

import (
	"encoding/json"
	"os"
	"runtime/debug"
	"strconv"
)

type result struct {
	Text  string
	Error string
}

func main() {
	var in []string
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := make([]result, len(in))
	for i, s := range in {
		if os.Args[1] == "quote" {
			out[i].Text = strconv.Quote(s)
			continue
		}
		bi, err := debug.ParseBuildInfo(s)
		if err != nil {
			out[i].Error = err.Error()
		} else {
			bi.GoVersion = "go1.2.3"
			out[i].Text = bi.String()
		}
	}
	json.NewEncoder(os.Stdout).Encode(out)
}
`,
  );
  const r = run(go, ['build', '-o', bin, '.'], { cwd: dir, env: goEnv() });
  if (r.status !== 0) throw new Error(r.stderr);
  return bin;
}

const QUOTE_CASES = [
  '', 'plain', 'a b', 'tab\there', 'nl\nx', 'cr\r', 'q"uote', 'back`tick', 'back\\slash', '\x00\x01\x1f\x7f',
  '\x07\b\f\v', 'é ü ß', '日本語', '\u200b zero width', '\u00a0 nbsp', '\u2028 line sep', '\u{1f600} emoji', '\u{e0001} tag',
  '\ufeff bom', '\u0300 combining', '\ud7ff', '\u{10ffff}', '\u00ad soft hyphen', '-X main.v=1 -s',
];

test('quoting equals Go strconv.Quote', () => {
  const oracle = goOracle();
  if (!oracle) return skip('strconv.Quote oracle', 'Go 1.27 toolchain unavailable');
  const r = run(oracle, ['quote'], { input: JSON.stringify(QUOTE_CASES) });
  const theirs = (JSON.parse(r.stdout) as { Text: string }[]).map((x) => x.Text);
  assert.equal(QUOTE_CASES.map(goQuote), theirs);
});

test('parsing and printing module info equal runtime/debug.ParseBuildInfo and BuildInfo.String', () => {
  const oracle = goOracle();
  if (!oracle) return skip('ParseBuildInfo oracle', 'Go 1.27 toolchain unavailable');
  const cases = [
    MODINFO,
    'path\tp\nmod\tm\tv1\th1:x\n',
    'mod\tm\tv1\n=>\tr\tv2\th\n',
    ...QUOTE_CASES.map((v) => `build\tkey=${goQuote(v)}\n`),
    ...QUOTE_CASES.filter(Boolean).map((k) => `build\t${goQuote(k)}=v\n`),
    'build\t`raw key`=`raw value`\n',
    'build\tk=v\nbuild\tvcs.modified=true\n',
    'mod\ta\n',
    'dep\ta\tb\tc\td\n',
    '=>\ta\tb\tc\n',
    'build\tk\n',
    'build\t=v\n',
    'build\t"k"x\n',
    'build\t"k\n',
    'build\tk=a b\n',
    'build\tk="unterminated\n',
    'unknown line\npath\tp\nno newline at end',
  ];
  const r = run(oracle, ['modinfo'], { input: JSON.stringify(cases) });
  const theirs = JSON.parse(r.stdout) as { Text: string; Error: string }[];
  cases.forEach((c, i) => {
    let mine: { Text: string; Error: string };
    try {
      mine = { Text: formatBuildInfo(parseModInfo(c, 'go1.2.3')), Error: '' };
    } catch (e) {
      mine = { Text: '', Error: (e as Error).message };
    }
    // Go's messages quote one character as 'x'; compare whether it failed and where.
    if (theirs[i]!.Error) assert.match(mine.Error, /line \d+/, JSON.stringify(c));
    else assert.equal(mine, theirs[i], JSON.stringify(c));
    if (theirs[i]!.Error) assert.is(mine.Error.split(':').slice(0, 2).join(':'), theirs[i]!.Error.split(':').slice(0, 2).join(':'), JSON.stringify(c));
  });
});

test.run();
