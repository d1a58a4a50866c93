import { defineGroup, lazyCommand } from '../command.js';

/** `elfkit section …`: one section at a time; the rewriting subcommands load the writer only when they run. */
export const sectionCommand = defineGroup({
  command: 'section <command>',
  describe: 'work with one section: dump, add, update, remove, rename',
  subcommands: [
    lazyCommand(['dump'], async () => (await import('./section-dump.js')).sectionDumpCommand),
    lazyCommand(['add'], async () => (await import('./section-add.js')).sectionAddCommand),
    lazyCommand(['update'], async () => (await import('./section-update.js')).sectionUpdateCommand),
    lazyCommand(['remove'], async () => (await import('./section-remove.js')).sectionRemoveCommand),
    lazyCommand(['rename'], async () => (await import('./section-rename.js')).sectionRenameCommand),
  ],
  examples: ['$0 section dump ./app .comment'],
});
