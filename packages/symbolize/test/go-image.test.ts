import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ElfFile } from '@elfkit/elf';
import { openGoSymbols } from '@elfkit/gosym';
import { fixtureBytes } from '@elfkit/fixtures';
import { goImage } from '@elfkit/symbolize';

test('goImage adapts an ELF file for the Go readers (section-less scan included)', () => {
  for (const name of ['go/go1.27-amd64', 'go/go1.27-amd64-sw', 'go/go1.19-386']) {
    const go = openGoSymbols(goImage(ElfFile.parse(fixtureBytes(name))));
    assert.ok(go, name);
    assert.ok(go!.table.funcCount > 1000, name);
    assert.is(go!.table.funcAt(go!.table.func(10).entry)!.name, go!.table.func(10).name);
  }
});

test.run();
