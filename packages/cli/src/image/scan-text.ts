import { formatVersionM, type BuildInfo } from '@elfkit/gosym';
import { warningText, type ImageElfFile, type ScanResult } from '@elfkit/image';
import { writeErr } from '../io/output.js';

/** `1.2 MB`, `16.5 KB`, `512 B` (powers of 1000, as registries and `du --si` print). */
export function sizeText(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

const short = (d: string) => (d.startsWith('sha256:') ? d.slice(0, 19) + '…' : d);

function rows(pairs: [string, string][], indent = ''): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`).join('\n') + '\n';
}

const FORMAT: Record<string, string> = { 'oci-layout': 'OCI layout', 'docker-save': 'docker save', 'docker-save-oci': 'docker save (Docker 25+: OCI layout + manifest.json)' };

/** The image part of the report. */
export function imageText(r: ScanResult): string {
  const i = r.image;
  const pairs: [string, string][] = [['image', `${i.source} (${FORMAT[i.format] ?? i.format}, ${i.container})`]];
  if (i.tags.length) pairs.push(['tags', i.tags.join(', ')]);
  if (i.digest) pairs.push(['manifest', i.digest]);
  if (i.platform) pairs.push(['platform', i.platform]);
  pairs.push([
    'layers',
    `${i.layers.length}: ` + i.layers.map((l) => `${short(l.name)} ${l.compression}${l.storedBytes !== undefined ? ' ' + sizeText(l.storedBytes) : ''} (${sizeText(l.uncompressedBytes)}, ${l.entries} entries)`).join(', '),
  ]);
  for (const a of r.annotations) pairs.push([a.from === 'label' ? 'label' : 'annotation', `${a.key}=${a.value}${a.from === 'index' ? ' (index)' : ''}`]);
  for (const d of r.debugArtifacts) {
    const sig = d.signatures.length ? `, signed (${d.signatures.map((s) => short(s.digest)).join(', ')})` : ', not signed';
    pairs.push(['debug', `artifact ${d.artifact.digest} (${d.artifact.manifest?.layers.length ?? 0} layer${sig})`]);
  }
  const other = r.referrers.filter((x) => !r.debugArtifacts.some((d) => d.artifact.digest === x.digest || d.signatures.some((s) => s.digest === x.digest)));
  for (const x of other) pairs.push(['referrer', `${x.digest} ${x.artifactType} (${x.via})`]);
  if (i.others.length) pairs.push(['also', i.others.map((o) => [o.platform, ...o.tags].filter(Boolean).join(' ') || short(o.digest ?? '')).join('; ')]);
  return rows(pairs);
}

function debugText(f: ImageElfFile): string {
  const d = f.debug;
  if (!d) return '';
  switch (d.kind) {
    case 'in-file':
      return 'in the file';
    case 'build-id':
      return `${d.path} (build id)`;
    case 'debuglink':
      return `${d.path} (.gnu_debuglink)`;
    default:
      return d.reason === 'not-in-image' ? 'missing (no separate debug file in the image)' : 'missing (no build id or debug link to find it by)';
  }
}

/** One ELF file as a block of lines. */
export function fileText(f: ImageElfFile): string {
  let out = `${f.path}\n`;
  const x = f.facts;
  const pairs: [string, string][] = [];
  if (f.links.length) pairs.push(['links', f.links.join(', ')]);
  if (!x) {
    pairs.push(['error', f.error ?? 'unreadable']);
    pairs.push(['layer', `${f.layer.index} (${short(f.layer.name)}), ${sizeText(f.size)}`]);
    return out + rows(pairs, '  ');
  }
  pairs.push(['elf', `${x.class} ${x.arch} ${x.type}, ${sizeText(f.size)}, layer ${f.layer.index}`]);
  if (x.interpreter) pairs.push(['interpreter', x.interpreter]);
  if (x.soname) pairs.push(['soname', x.soname]);
  if (x.needed.length) pairs.push(['needed', x.needed.join(', ')]);
  pairs.push(['build id', x.buildId ?? '(none)']);
  pairs.push(['symbols', x.stripped ? 'stripped' : 'not stripped']);
  pairs.push(['debug', x.debugOnly ? 'this is a separate debug file' : debugText(f)]);
  if (x.stamp) {
    const s = x.stamp as { git?: { commit?: string; dirty?: boolean; remote?: string | null } | null; build?: { time?: string } };
    pairs.push(['stamp', s.git ? `commit ${s.git.commit}${s.git.dirty ? ' (dirty)' : ''}${s.git.remote ? ' from ' + s.git.remote : ''}` : `built ${s.build?.time ?? '?'}`]);
  }
  for (const p of x.packages) pairs.push(['package', typeof p === 'string' ? p : JSON.stringify(p)]);
  for (const p of x.problems) pairs.push(['problem', p]);
  if (x.go) pairs.push(['go', x.go.version]);
  out += rows(pairs, '  ');
  // Without module info (damaged: a problem above) there are no module lines.
  if (x.go?.path != null) {
    const g = x.go;
    const bi: BuildInfo = { goVersion: g.version, path: g.path!, main: g.main as BuildInfo['main'], deps: (g.deps ?? []) as BuildInfo['deps'], settings: [...(g.settings ?? [])] };
    // `go version -m`'s module lines, under the file.
    const lines = formatVersionM(f.path, bi).split('\n').slice(1).filter(Boolean);
    out += lines.map((l) => '  ' + l).join('\n') + (lines.length ? '\n' : '');
  }
  return out;
}

const KIND_WORDS: Record<string, [string, string]> = {
  executable: ['executable', 'executables'],
  pie: ['PIE executable', 'PIE executables'],
  'shared-library': ['shared library', 'shared libraries'],
  relocatable: ['object file', 'object files'],
  core: ['core file', 'core files'],
  'debug-file': ['separate debug file', 'separate debug files'],
  other: ['other', 'other'],
};

/** The summary lines. */
export function summaryText(r: ScanResult): string {
  const s = r.summary;
  const kinds = Object.entries(s.kinds).map(([k, n]) => `${n} ${KIND_WORDS[k]?.[n === 1 ? 0 : 1] ?? k}`);
  if (s.unreadable) kinds.push(`${s.unreadable} unreadable`);
  const pairs: [string, string][] = [['ELF files', `${s.elfFiles}${kinds.length ? ': ' + kinds.join(', ') : ''}`]];
  if (Object.keys(s.arches).length) pairs.push(['machines', Object.entries(s.arches).map(([k, n]) => `${k} ${n}`).join(', ')]);
  if (Object.keys(s.goVersions).length) pairs.push(['Go', Object.entries(s.goVersions).map(([k, n]) => `${k} (${n})`).join(', ')]);
  pairs.push(['debug info', Object.entries(s.debug).map(([k, n]) => `${k} ${n}`).join(', ') || '-']);
  pairs.push(['no build id', s.withoutBuildId.length ? `${s.withoutBuildId.length}: ${s.withoutBuildId.join(', ')}` : 'none']);
  pairs.push(['debug missing', s.debugMissing.length ? `${s.debugMissing.length}: ${s.debugMissing.join(', ')}` : 'none']);
  return rows(pairs);
}

/** Warnings, one line each, for standard error. */
export function warningLines(source: string, r: ScanResult): string {
  return r.warnings.map((w) => `elfkit: ${source}: warning: ${warningText(w)}\n`).join('');
}

/** Writes {@link warningLines} to standard error (through {@link writeErr}, which never makes `process.stderr`). */
export function writeWarnings(source: string, r: ScanResult): void {
  const text = warningLines(source, r);
  if (text) writeErr(text);
}
