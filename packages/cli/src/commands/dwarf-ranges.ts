import { defineCommand } from '../command.js';
import { dumpLists } from '../dwarf/lists-dump.js';
import { common, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

export const rangesCommand = defineCommand({
  command: 'ranges <file>',
  describe: 'dump the range lists the DIEs refer to (.debug_ranges, .debug_rnglists), entry by entry',
  builder: (y) => common(y, '$0 dwarf ranges ./app'),
  handler: (a: DwarfArgs) => withDwarf(a, (od, errors) => dumpLists(a, od, errors, 'ranges')),
});
