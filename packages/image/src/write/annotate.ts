import { DebugAnnotation } from '../annotations.js';
import type { ContainerImage, ImageElfFile } from '../container-image.js';
import type { HasherFactory } from '../digest.js';
import { ImageError } from '../errors.js';
import { Annotation, MediaType } from '../layout/media-types.js';
import { blobPathOf, jsonBytes, putJsonBlob, readJsonFile, type JsonDescriptor, type LayoutWriter } from './layout-writer.js';

/** What the annotations are made from, and what could not be decided. */
export interface ProposedAnnotations {
  readonly annotations: Readonly<Record<string, string>>;
  /** Why a key was left out (stamps that disagree, no stamp at all). */
  readonly notes: readonly string[];
}

interface StampLike {
  git?: { commit?: string; remote?: string | null } | null;
}

/**
 * The annotations `image annotate` adds: `org.opencontainers.image.revision`
 * and `.source` from the binaries' elfkit stamps (when they agree), the
 * build ids of the image's ELF files under `dev.elfkit.debug.build-ids`,
 * and `dev.elfkit.debug.ref` when a symbol server URL is given. Explicit
 * values win over the stamps.
 */
export function proposeAnnotations(files: Iterable<ImageElfFile>, given: { revision?: string; source?: string; debugRef?: string } = {}): ProposedAnnotations {
  const commits = new Set<string>();
  const remotes = new Set<string>();
  const ids = new Set<string>();
  for (const f of files) {
    const x = f.facts;
    if (!x) continue;
    if (x.buildId && !x.debugOnly) ids.add(x.buildId);
    const s = x.stamp as StampLike | null;
    if (s?.git?.commit) commits.add(s.git.commit);
    if (s?.git?.remote) remotes.add(s.git.remote);
  }
  const notes: string[] = [];
  const out: Record<string, string> = {};
  const pick = (key: string, explicit: string | undefined, found: Set<string>, what: string) => {
    if (explicit) out[key] = explicit;
    else if (found.size === 1) out[key] = [...found][0]!;
    else if (found.size > 1) notes.push(`${key} not set: the stamps name ${found.size} ${what}s (${[...found].join(', ')}); give one`);
    else notes.push(`${key} not set: no ELF file carries an elfkit stamp with a ${what}`);
  };
  pick(Annotation.revision, given.revision, commits, 'commit');
  pick(Annotation.source, given.source, remotes, 'remote');
  if (ids.size) out[DebugAnnotation.buildIds] = [...ids].sort().join(',');
  if (given.debugRef) out[DebugAnnotation.ref] = given.debugRef;
  return { annotations: out, notes };
}

/** The result of rewriting a manifest: the old and new digests, and the indexes rewritten on the way to index.json. */
export interface AnnotateResult {
  readonly oldDigest: string;
  readonly digest: string;
  readonly size: number;
  readonly indexes: readonly { readonly old: string; readonly digest: string }[];
}

/**
 * Adds `annotations` to the chosen image's manifest in an OCI layout
 * directory: the manifest is stored again with the keys added (nothing
 * else changes), every index on the way (nested indexes, then index.json)
 * names the new digest, and the old blobs stay where they are.
 */
export async function annotateManifest(image: ContainerImage, writer: LayoutWriter, annotations: Readonly<Record<string, string>>, hasher: HasherFactory): Promise<AnnotateResult> {
  const info = image.info;
  if (info.container !== 'directory' || (info.format !== 'oci-layout' && info.format !== 'docker-save-oci')) {
    throw new ImageError('unsupported', 'only an OCI layout directory can be annotated in place (unpack an archive, or copy it with skopeo to oci:DIR)');
  }
  if (!info.digest) throw new ImageError('unsupported', 'the image has no manifest digest');
  const files = image.files;
  const manifest = await readJsonFile(files, blobPathOf(info.digest));
  const merged = { ...((manifest.annotations as Record<string, string> | undefined) ?? {}), ...annotations };
  const newManifest = { ...manifest, annotations: merged };
  const mediaType = typeof manifest.mediaType === 'string' ? manifest.mediaType : MediaType.ociManifest;
  const put = await putJsonBlob(writer, mediaType, newManifest, hasher);
  // Replace the descriptor in each index up the chain.
  let old = info.digest;
  let now: JsonDescriptor = put;
  const rewritten: { old: string; digest: string }[] = [];
  const replace = (list: unknown, from: string, to: JsonDescriptor) => {
    if (!Array.isArray(list)) throw new ImageError('invalid', 'an index without manifests');
    let hit = 0;
    const out = list.map((d: Record<string, unknown>) => (d && d.digest === from ? (hit++, { ...d, digest: to.digest, size: to.size }) : d));
    if (!hit) throw new ImageError('invalid', `the index does not name ${from}`);
    return out;
  };
  for (const idx of [...info.indexes].reverse()) {
    const doc = await readJsonFile(files, blobPathOf(idx));
    const next = { ...doc, manifests: replace(doc.manifests, old, now) };
    const idxType = typeof doc.mediaType === 'string' ? doc.mediaType : MediaType.ociIndex;
    const stored = await putJsonBlob(writer, idxType, next, hasher);
    rewritten.push({ old: idx, digest: stored.digest });
    old = idx;
    now = stored;
  }
  const top = await readJsonFile(files, 'index.json');
  await writer.writeIndex(jsonBytes({ ...top, manifests: replace(top.manifests, old, now) }));
  return { oldDigest: info.digest, digest: put.digest, size: put.size, indexes: rewritten };
}
