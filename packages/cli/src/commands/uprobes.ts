import { isParseError, type ParseError } from '@elfkit/binary';
import type { ElfFile } from '@elfkit/elf';
import * as C from '@elfkit/elf/constants';
import { defineCommand } from '../command.js';
import { withElfAsync } from '../with-elf.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { writeOut } from '../io/output.js';
import { NodeDebugHost } from '@elfkit/symbolize/node';
import { openTypes } from '../dwarf/open-types.js';
import { goSymbolsOf, imageOf } from '../go/symbols.js';
import { reportErrors } from '../go/errors.js';
import { buildReport } from '../uprobes/probes.js';
import { returnScanner } from '../uprobes/return-scanner.js';
import { uprobesBpftrace, uprobesJson, uprobesText } from '../uprobes/probe-text.js';
import { debugDirOption, debugDirs } from '../options/debug-dirs.js';
import { errorJson } from '../format/error-json.js';
import { resolve } from 'node:path';
import type { GoSymbols } from '@elfkit/gosym';
import { withLateOptimization } from '../late-optimization.js';

/** The Go build ID note, or undefined (also when the note is damaged). */
function safeGoBuildId(elf: ElfFile): string | undefined {
  try {
    return elf.goBuildId();
  } catch {
    return undefined;
  }
}

interface UprobesArgs {
  file: string;
  pattern?: string[];
  json?: boolean;
  bpftrace?: boolean;
  'debug-file-directory'?: string | string[];
}

/** `elfkit uprobes`: uprobe attach points (entries and every return) of a binary's functions. */
export const uprobesCommand = defineCommand({
  command: 'uprobes <file> [pattern..]',
  describe: 'uprobe attach points: file offsets of function entries and of every return instruction, Go argument registers; stripped Go binaries too',
  builder: (y) =>
    debugDirOption(
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'ELF binary (a Go binary may be stripped)' })
        .positional('pattern', { type: 'string', array: true, describe: 'function names, * and ? as wildcards (runtime.gopark, main.*); default: all' })
        .option('json', { type: 'boolean', default: false, describe: 'print JSON (docs/json-uprobes.md)' })
        .option('bpftrace', { type: 'boolean', default: false, describe: 'print a bpftrace program: an entry probe and a probe on the returns of each function' })
        .conflicts('json', 'bpftrace')
        .example('$0 uprobes ./app runtime.newproc runtime.gopark runtime.goready', '')
        .example("$0 uprobes --bpftrace ./app 'main.*' > probes.bt", ''),
    ),
  handler: (a: UprobesArgs) =>
    withLateOptimization(() =>
      withElfAsync(a.file, async ({ elf }) => {
        if (elf.header.type === C.ET_REL || elf.header.type === C.ET_CORE) throw new CliError(`${elf.header.type === C.ET_REL ? 'a relocatable object' : 'a core file'} has no code to attach to: uprobes go on executables and shared libraries`);
        const errors: ParseError[] = [];
        let go: GoSymbols | undefined;
        try {
          go = goSymbolsOf(elf);
        } catch (e) {
          if (!isParseError(e)) throw e;
          errors.push(e); // a damaged pclntab: the symbol table still names functions
        }
        const host = new NodeDebugHost();
        try {
          const scanner = await returnScanner(elf);
          const report = buildReport({
            elf,
            image: imageOf(elf),
            go,
            scanner,
            patterns: a.pattern ?? [],
            errors,
            types: () => {
              try {
                return openTypes(elf, a.file, host, debugDirs(a['debug-file-directory']))?.types;
              } catch (e) {
                if (!isParseError(e)) throw e;
                errors.push(e);
                return undefined;
              }
            },
          });
          const path = resolve(a.file);
          if (report.functionSource === 'none') {
            reportErrors(a.file, errors);
            const goish = elf.section('.go.buildinfo') !== undefined || safeGoBuildId(elf) !== undefined;
            throw new CliError(goish ? 'no functions: a Go binary whose pclntab cannot be read (damaged), and no function symbols' : 'no functions: no Go pclntab and no function symbols (.symtab or .dynsym) in executable segments');
          }
          if (a.json) writeOut(toJson({ ...uprobesJson(path, report), errors: errors.map(errorJson) }) + '\n');
          else if (a.bpftrace) writeOut(uprobesBpftrace(path, report));
          else writeOut(uprobesText(path, report));
          reportErrors(a.file, errors);
          if (a.pattern?.length && report.functions.length === 0) throw new CliError(`no function matches ${a.pattern.join(' ')}`);
        } finally {
          host.close();
        }
      }),
    ),
});
