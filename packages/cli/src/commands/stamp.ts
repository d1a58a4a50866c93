import type { Argv } from 'yargs';
import { readElfImage } from '@elfkit/elf/rewrite';
import { defineCommand, lazyCommand } from '../command.js';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { FileSource } from '../io/source.js';
import { writeOut } from '../io/output.js';
import { findStamps, type FoundStamp } from '../stamp/find.js';
import { STAMP_OPTIONS, stampOptionsFrom } from '../stamp/options.js';
import { runStamp } from '../stamp/run.js';

function readStamps(file: string): FoundStamp[] {
  const source = new FileSource(file);
  try {
    const found = findStamps(readElfImage(source));
    if (found.length === 0) throw new CliError('no elfkit stamp found (elfkit stamp writes one)');
    return found;
  } finally {
    source.close();
  }
}

function placementText(f: FoundStamp): string {
  const p = f.placement;
  const where = p.kind === 'segment' ? 'a PT_NOTE segment' : `${p.kind === 'note' ? 'note in section' : 'JSON in section'} ${p.section}`;
  return `${where}${p.loadable ? ' (loaded: readable at run time)' : ''}`;
}

/** The stamp as `key: value` lines. */
export function stampText(f: FoundStamp): string[] {
  const s = f.stamp;
  const lines: [string, string][] = [['placement', placementText(f)]];
  if (s.git) {
    lines.push(['commit', `${s.git.commit} (${s.git.shortCommit})`]);
    lines.push(['branch', s.git.branch ?? '(detached)']);
    lines.push(['describe', s.git.describe + (s.git.tag ? ` (tag ${s.git.tag})` : '')]);
    lines.push(['dirty', s.git.dirty ? 'yes' : 'no']);
    lines.push(['commit time', s.git.commitTime]);
    lines.push(['remote', s.git.remote ?? '(none)']);
  } else {
    lines.push(['git', '(not recorded)']);
  }
  lines.push(['build time', `${s.build.time}${s.build.timeSource === 'SOURCE_DATE_EPOCH' ? ' (SOURCE_DATE_EPOCH)' : ''}`]);
  if (s.ci) lines.push(['ci', [s.ci.provider, s.ci.pipeline, s.ci.job, s.ci.runNumber && `#${s.ci.runNumber}`, s.ci.url].filter(Boolean).join(' ')]);
  if (s.binary?.buildId) lines.push(['build id', s.binary.buildId]);
  if (s.binary?.goVersion) lines.push(['go', [s.binary.goVersion, s.binary.goModule, s.binary.goModuleVersion].filter(Boolean).join(' ')]);
  for (const [k, v] of Object.entries(s.extra ?? {})) lines.push([`extra ${k}`, v]);
  const w = Math.max(...lines.map(([k]) => k.length));
  return lines.map(([k, v]) => `${(k + ':').padEnd(w + 1)} ${v}`);
}

const showCommand = defineCommand({
  command: 'show <file>',
  describe: 'print the stamp, from any placement',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (schema: docs/json-stamp.md)' })
      .example('$0 stamp show ./app', ''),
  handler: (a: { file: string; json: boolean }) => {
    const found = readStamps(a.file);
    if (a.json) {
      writeOut(toJson({ file: a.file, stamps: found.map((f) => ({ placement: f.placement, stamp: f.stamp })) }) + '\n');
      return;
    }
    writeOut(found.map((f) => stampText(f).join('\n')).join('\n\n') + '\n');
  },
});

const verifyCommand = defineCommand({
  command: 'verify <file>',
  describe: 'check the stamp names this commit (and a clean tree); exit 1 with the reason when not',
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file' })
      .option('commit', { type: 'string', demandOption: true, describe: 'expected commit (full id or a prefix of at least 4 hex digits)' })
      .option('clean', { type: 'boolean', default: false, describe: 'also require a clean work tree at build time' })
      .example('$0 stamp verify ./app --commit $(git rev-parse HEAD) --clean', ''),
  handler: (a: { file: string; commit: string; clean: boolean }) => {
    const want = a.commit.trim().toLowerCase();
    if (!/^[0-9a-f]{4,64}$/.test(want)) throw new CliError(`--commit ${a.commit} is not a commit id (4 to 64 hex digits)`);
    const [f] = readStamps(a.file);
    const git = f!.stamp.git;
    if (!git) throw new CliError('the stamp records no git commit (stamped with --no-git)');
    if (!git.commit.toLowerCase().startsWith(want)) throw new CliError(`stamp commit ${git.shortCommit} does not match ${a.commit}`);
    if (a.clean && git.dirty) throw new CliError(`built from a dirty work tree at ${git.shortCommit}`);
    writeOut(`${a.file}: stamp matches commit ${git.shortCommit}${git.dirty ? ' (dirty work tree)' : a.clean ? ' (clean work tree)' : ''}\n`);
  },
});

/** yargs options from the shared table. */
function stampOptions(y: Argv) {
  let q = y;
  for (const [name, o] of Object.entries(STAMP_OPTIONS)) {
    if (name === 'no-git') continue;
    q = q.option(name, {
      type: o.type,
      describe: o.describe,
      ...('short' in o ? { alias: o.short } : {}),
      ...('multiple' in o ? { array: true } : {}),
    });
  }
  return q.option('git', { type: 'boolean', default: true, describe: 'record git facts (--no-git: stamping outside a repository)' });
}

export const stampCommand = defineCommand({
  command: 'stamp <file>',
  subcommands: [lazyCommand(['show'], async () => showCommand as never), lazyCommand(['verify'], async () => verifyCommand as never)],
  describe: 'stamp a binary with where it came from (git, CI, build time); stamp show, stamp verify',
  builder: (y) =>
    stampOptions(y.command(showCommand as never).command(verifyCommand as never))
      .positional('file', { type: 'string', demandOption: true, describe: 'ELF file to stamp' })
      .example('$0 stamp ./app --in-place', '')
      .example('SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) $0 stamp ./app -o ./app.stamped --set release=1.2', '')
      .example('$0 stamp ./app --loadable --in-place', '') as unknown as Argv<Record<string, unknown>>,
  handler: async (a: Record<string, unknown>) => {
    await runStamp(stampOptionsFrom(a.file as string, a));
  },
});
