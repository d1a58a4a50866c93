import { defineCommand } from '../command.js';
import { dumpLists } from '../dwarf/lists-dump.js';
import { common, withDwarf, type DwarfArgs } from '../dwarf/with-dwarf.js';

export const locationsCommand = defineCommand({
  command: 'locations <file>',
  describe: 'dump the location lists the DIEs refer to (.debug_loc, .debug_loclists) with decoded expressions',
  builder: (y) => common(y, '$0 dwarf locations ./app'),
  handler: (a: DwarfArgs) => withDwarf(a, (od, errors) => dumpLists(a, od, errors, 'locations')),
});
