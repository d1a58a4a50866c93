// Targets that misbehave on purpose, for the harness's own test: on byte 3
// of the input, 0xff throws a TypeError, 0x80 keeps 80 MB, 0 throws a
// proper ParseError (not a finding); selftest-hang loops forever on 0x7f.
import { ParseError } from '@elfkit/binary';
import { defineTarget } from '../dist/index.js';

const seed = new Uint8Array(64).map((_, i) => i);

export const targets = [
  defineTarget({
    name: 'selftest',
    describe: 'misbehaves on purpose',
    resizable: true,
    seeds: () => [{ name: 's', bytes: seed, order: 'little', fields: [{ offset: 3, size: 1, kind: 'uint' }], context: null }],
    run: (input) => {
      const b = input.length > 3 ? input[3] : -1;
      if (b === 0xff) throw new TypeError('boom');
      if (b === 0) throw new ParseError('invalid', 'fine', 'sec', 3);
      if (b === 0x80) return new Array(10_000_000).fill(1);
      return undefined;
    },
  }),
  defineTarget({
    name: 'selftest-hang',
    describe: 'hangs on purpose',
    resizable: true,
    seeds: () => [{ name: 's', bytes: seed, order: 'little', fields: [{ offset: 3, size: 1, kind: 'uint' }], context: null }],
    run: (input) => {
      if (input.length > 3 && input[3] === 0x7f) for (;;);
      return undefined;
    },
  }),
];
