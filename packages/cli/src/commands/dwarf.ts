import { defineGroup, lazyCommand } from '../command.js';

/** `elfkit dwarf …`: the DWARF dumps; each subcommand's module loads when it runs (a bundle and code cache of its own). */
export const dwarfCommand = defineGroup({
  command: 'dwarf <command>',
  describe: 'read DWARF: units, info (DIEs), abbrev, aranges, ranges, locations, strings, frames, types',
  subcommands: [
    lazyCommand(['units'], async () => (await import('./dwarf-units.js')).unitsCommand),
    lazyCommand(['info'], async () => (await import('./dwarf-info.js')).infoCommand),
    lazyCommand(['abbrev'], async () => (await import('./dwarf-abbrev.js')).abbrevCommand),
    lazyCommand(['aranges'], async () => (await import('./dwarf-aranges.js')).arangesCommand),
    lazyCommand(['ranges'], async () => (await import('./dwarf-ranges.js')).rangesCommand),
    lazyCommand(['locations'], async () => (await import('./dwarf-locations.js')).locationsCommand),
    lazyCommand(['strings'], async () => (await import('./dwarf-strings.js')).stringsCommand),
    lazyCommand(['frames'], async () => (await import('./dwarf-frames.js')).framesCommand),
    lazyCommand(['types'], async () => (await import('./dwarf-types.js')).typesCommand),
  ],
  examples: ['$0 dwarf info --name main ./app'],
});
