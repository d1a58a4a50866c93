import type { ImageElfFile } from './container-image.js';
import type { GoModuleFacts } from './elf/facts.js';
import type { ScanResult } from './scan.js';

/** A CycloneDX 1.6 JSON document (the fields written here). */
export interface CycloneDxBom {
  readonly bomFormat: 'CycloneDX';
  readonly specVersion: '1.6';
  readonly serialNumber: string;
  readonly version: 1;
  readonly metadata: Record<string, unknown>;
  readonly components: Record<string, unknown>[];
  readonly dependencies: { ref: string; dependsOn: string[] }[];
}

/** Options for {@link cycloneDx}. */
export interface SbomOptions {
  /** `urn:uuid:…`; default a random one. */
  readonly serialNumber?: string;
  /** ISO 8601 time of the document (default now). */
  readonly timestamp?: string;
  /** The tool's version for `metadata.tools`. */
  readonly toolVersion?: string;
}

/** A purl path part: percent-encoded except the characters purl keeps. */
function purlPart(s: string): string {
  return encodeURIComponent(s).replace(/%3A/gi, ':');
}

/** `pkg:golang/<module path>@<version>` (package-url spec, golang type). */
export function golangPurl(path: string, version?: string): string {
  const p = path.split('/').map(purlPart).join('/');
  return `pkg:golang/${p}${version ? '@' + purlPart(version) : ''}`;
}

/** The standard library as syft names it: `stdlib`, purl `pkg:golang/stdlib@<version without go>`. */
export function stdlibPurl(goVersion: string): string {
  return `pkg:golang/stdlib@${purlPart(goVersion.replace(/^go/, ''))}`;
}

function randomUuid(): string {
  const c = (globalThis as unknown as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const h = () => Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-${(8 + Math.floor(Math.random() * 4)).toString(16)}${h().slice(1)}-${h()}${h()}${h()}`;
}

const prop = (name: string, value: string | number | boolean | null | undefined) => (value === null || value === undefined || value === '' ? [] : [{ name, value: String(value) }]);

function realVersion(v: string): string | undefined {
  return v && v !== '(devel)' ? v : undefined;
}

/**
 * A CycloneDX 1.6 document for a scanned image: the image as the subject,
 * each ELF file as a `file` component (sha256, build id, Go build id, layer,
 * debug location and stamp as properties), each Go module as a library with
 * its `pkg:golang/…` purl and version, and the Go standard library as
 * `stdlib`; dependencies tie files to the modules they were built from.
 */
export function cycloneDx(scan: ScanResult, options: SbomOptions = {}): CycloneDxBom {
  const img = scan.image;
  const components = new Map<string, Record<string, unknown>>();
  const dependencies: { ref: string; dependsOn: string[] }[] = [];
  const fileRefs: string[] = [];
  const addModule = (m: GoModuleFacts, scope: 'main' | 'dep'): string | undefined => {
    const used = m.replace ?? m;
    if (!used.path || used.path.startsWith('.') || used.path.startsWith('/')) return undefined; // local replacements have no purl
    const version = realVersion(used.version);
    const purl = golangPurl(used.path, version);
    if (!components.has(purl)) {
      components.set(purl, {
        type: scope === 'main' ? 'application' : 'library',
        'bom-ref': purl,
        name: used.path,
        ...(version ? { version } : {}),
        purl,
        properties: [...prop('elfkit:go.sum', used.sum), ...(m.replace ? prop('elfkit:go.replaces', `${m.path}${m.version ? '@' + m.version : ''}`) : [])],
      });
    }
    return purl;
  };
  for (const f of scan.files) {
    const ref = `file:${f.path}`;
    fileRefs.push(ref);
    components.set(ref, fileComponent(ref, f));
    const go = f.facts?.go;
    if (!go) continue;
    const deps: string[] = [];
    if (go.main) {
      const main = addModule(go.main, 'main');
      if (main) deps.push(main);
    }
    for (const d of go.deps ?? []) {
      const r = addModule(d, 'dep');
      if (r) deps.push(r);
    }
    const std = stdlibPurl(go.version);
    if (!components.has(std)) {
      components.set(std, {
        type: 'library',
        'bom-ref': std,
        name: 'stdlib',
        version: go.version,
        purl: std,
        cpe: `cpe:2.3:a:golang:go:${go.version.replace(/^go/, '')}:*:*:*:*:*:*:*`,
      });
    }
    deps.push(std);
    dependencies.push({ ref, dependsOn: [...new Set(deps)] });
  }
  const imageRef = 'image';
  dependencies.unshift({ ref: imageRef, dependsOn: fileRefs });
  const name = img.tags[0] ?? img.source;
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUuid()}`,
    version: 1,
    metadata: {
      timestamp: options.timestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      tools: { components: [{ type: 'application', name: 'elfkit', ...(options.toolVersion ? { version: options.toolVersion } : {}) }] },
      component: {
        type: 'container',
        'bom-ref': imageRef,
        name,
        ...(img.digest ? { version: img.digest } : {}),
        properties: [
          ...prop('elfkit:image.format', img.format),
          ...prop('elfkit:image.platform', img.platform),
          ...prop('elfkit:image.config', img.configDigest),
          ...scan.annotations.map((a) => ({ name: `${a.from === 'label' ? 'label' : 'annotation'}:${a.key}`, value: a.value })),
        ],
      },
    },
    components: [...components.values()],
    dependencies,
  };
}

function fileComponent(ref: string, f: ImageElfFile): Record<string, unknown> {
  const x = f.facts;
  const stamp = x?.stamp as { git?: { commit?: string; remote?: string | null } } | null | undefined;
  return {
    type: 'file',
    'bom-ref': ref,
    name: f.path,
    ...(f.digest.startsWith('sha256:') ? { hashes: [{ alg: 'SHA-256', content: f.digest.slice(7) }] } : {}),
    properties: [
      ...prop('elfkit:layer', f.layer.name),
      ...prop('elfkit:size', f.size),
      ...(x
        ? [
            ...prop('elfkit:build-id', x.buildId),
            ...prop('elfkit:go.build-id', x.goBuildId),
            ...prop('elfkit:elf.class', x.class),
            ...prop('elfkit:elf.machine', x.arch),
            ...prop('elfkit:elf.type', x.type),
            ...prop('elfkit:stripped', x.stripped),
            ...prop('elfkit:debug', f.debug ? (f.debug.kind === 'build-id' || f.debug.kind === 'debuglink' ? `${f.debug.kind}:${f.debug.path}` : f.debug.kind) : undefined),
            ...prop('elfkit:stamp.commit', stamp?.git?.commit),
            ...prop('elfkit:stamp.source', stamp?.git?.remote),
          ]
        : prop('elfkit:error', f.error)),
      ...f.links.map((l) => ({ name: 'elfkit:hard-link', value: l })),
    ],
  };
}
