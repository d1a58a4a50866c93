import { readElfImage } from '@elfkit/elf/rewrite';
import { CliError } from '../errors.js';
import { toJson } from '../format/json.js';
import { FileSource } from '@elfkit/symbolize/node';
import { writeOut } from '../io/output.js';
import { findStamps, type FoundStamp } from './find.js';

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

/** `elfkit stamp show`. */
export function showStamps(a: { file: string; json: boolean }): void {
  const found = readStamps(a.file);
  if (a.json) {
    writeOut(toJson({ file: a.file, stamps: found.map((f) => ({ placement: f.placement, stamp: f.stamp })) }) + '\n');
    return;
  }
  writeOut(found.map((f) => stampText(f).join('\n')).join('\n\n') + '\n');
  }

/** `elfkit stamp verify`. */
export function verifyStamp(a: { file: string; commit: string; clean: boolean }): void {
  const want = a.commit.trim().toLowerCase();
  if (!/^[0-9a-f]{4,64}$/.test(want)) throw new CliError(`--commit ${a.commit} is not a commit id (4 to 64 hex digits)`);
  const [f] = readStamps(a.file);
  const git = f!.stamp.git;
  if (!git) throw new CliError('the stamp records no git commit (stamped with --no-git)');
  if (!git.commit.toLowerCase().startsWith(want)) throw new CliError(`stamp commit ${git.shortCommit} does not match ${a.commit}`);
  if (a.clean && git.dirty) throw new CliError(`built from a dirty work tree at ${git.shortCommit}`);
  writeOut(`${a.file}: stamp matches commit ${git.shortCommit}${git.dirty ? ' (dirty work tree)' : a.clean ? ' (clean work tree)' : ''}\n`);
  }
