import { defineGroup, lazyCommand } from '../command.js';

const sub = (name: string, pick: (m: typeof import('./dwarf-subcommands.js')) => unknown) =>
  lazyCommand([name], async () => pick(await import('./dwarf-subcommands.js')) as never);

/** `elfkit dwarf …`: the DWARF dumps (one module holds them all). */
export const dwarfCommand = defineGroup({
  command: 'dwarf <command>',
  describe: 'read DWARF: units, info (DIEs), abbrev, aranges, ranges, locations, strings, frames, types',
  subcommands: [
    sub('units', (m) => m.unitsCommand),
    sub('info', (m) => m.infoCommand),
    sub('abbrev', (m) => m.abbrevCommand),
    sub('aranges', (m) => m.arangesCommand),
    sub('ranges', (m) => m.rangesCommand),
    sub('locations', (m) => m.locationsCommand),
    sub('strings', (m) => m.stringsCommand),
    lazyCommand(['frames'], async () => (await import('./dwarf-frames.js')).framesCommand),
    lazyCommand(['types'], async () => (await import('./dwarf-types.js')).typesCommand),
  ],
  examples: ['$0 dwarf info --name main ./app'],
});
