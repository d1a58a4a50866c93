import type { ImageInfo, Referrer } from './layout/open-image.js';
import { Annotation } from './layout/media-types.js';

/**
 * elfkit's own annotation keys for an image's debug information. The
 * `org.opencontainers.image.*` namespace is reserved for the OCI spec
 * (image-spec `annotations.md`), so the debug keys live under a prefix of
 * our own; the commit and the source repository use the standard keys.
 */
export const DebugAnnotation = {
  /** Build ids of the image's ELF files, lowercase hex, comma-separated, sorted. */
  buildIds: 'dev.elfkit.debug.build-ids',
  /** Where the debug files are served: a debuginfod (symbol server) URL. */
  ref: 'dev.elfkit.debug.ref',
} as const;

/** The prefix of elfkit's debug keys. */
export const DEBUG_ANNOTATION_PREFIX = 'dev.elfkit.debug.';

/** Keys some proposals use for the same purpose (not conforming, but read when an image carries them). */
export const PROPOSED_DEBUG_PREFIX = 'org.opencontainers.image.debug.';

/** `artifactType` of the OCI 1.1 artifact that carries an image's debug files (`elfkit image attach-debug`). */
export const DEBUG_ARTIFACT_TYPE = 'application/vnd.elfkit.debuginfo.v1+tar';

/** `artifactType` of a Sigstore bundle stored as a referrer (sigstore/cosign `specs/BUNDLE_SPEC.md`). */
export const SIGSTORE_BUNDLE_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** An annotation or label about the image's provenance or debug information, and where it was found. */
export interface ImageAnnotation {
  readonly key: string;
  readonly value: string;
  /** `manifest` annotations, `index` descriptor annotations, or config `label`s. */
  readonly from: 'manifest' | 'index' | 'label';
}

const PROVENANCE = [Annotation.revision, Annotation.source, Annotation.created, 'org.opencontainers.image.version'];

function wanted(key: string): boolean {
  return key.startsWith(DEBUG_ANNOTATION_PREFIX) || key.startsWith(PROPOSED_DEBUG_PREFIX) || PROVENANCE.includes(key);
}

/** The provenance (`org.opencontainers.image.revision`, `.source`, …) and debug keys of an image, from annotations and labels. */
export function imageAnnotations(info: ImageInfo): ImageAnnotation[] {
  const out: ImageAnnotation[] = [];
  const add = (src: Readonly<Record<string, string>>, from: ImageAnnotation['from']) => {
    for (const [key, value] of Object.entries(src)) if (wanted(key)) out.push({ key, value, from });
  };
  add(info.annotations, 'manifest');
  add(info.descriptorAnnotations, 'index');
  add(info.labels, 'label');
  return out;
}

/** The debug-information artifacts attached to the image, and the signature bundles attached to them. */
export function debugArtifacts(info: ImageInfo): { artifact: Referrer; signatures: Referrer[] }[] {
  return info.referrers
    .filter((r) => r.artifactType === DEBUG_ARTIFACT_TYPE && r.subject === info.digest)
    .map((artifact) => ({ artifact, signatures: info.referrers.filter((r) => r.subject === artifact.digest && r.artifactType === SIGSTORE_BUNDLE_TYPE) }));
}
