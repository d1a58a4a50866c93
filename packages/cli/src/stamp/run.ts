import * as C from '@elfkit/elf/constants';
import { encodeNote, encodeUtf8, planRewrite, unknownBytes, type ElfImage, type SectionEdit } from '@elfkit/elf/rewrite';
import { CliError, UsageError } from '../errors.js';
import { rewriteFile, rewriteTarget, type StartedCopy } from '../io/rewrite-file.js';
import { writeErr } from '../io/output.js';
import { mark } from '../io/timing.js';
import { binaryFacts } from './binary.js';
import { ciFacts } from './ci.js';
import { buildTime, parseSetPairs, stampDocument, type StampDocument } from './document.js';
import { findStamps } from './find.js';
import { startGitFacts, type GitFacts } from './git.js';

/** The default stamp section: a note, so no strip variant removes it (see docs/stamp.md). */
export const DEFAULT_STAMP_SECTION = '.note.elfkit.stamp';

/** Options of `elfkit stamp` (shared by the yargs command and the fast path). */
export interface StampOptions {
  file: string;
  o?: string;
  inPlace?: boolean;
  section?: string;
  note?: boolean;
  loadable?: boolean;
  gitDir?: string;
  git?: boolean;
  set?: string[];
}

/** How and where the stamp is stored. */
export interface Placement {
  kind: 'note' | 'section';
  section: string;
  loadable: boolean;
}

/** The placement the options ask for: a note by default, raw JSON for `--section` without `--note`. */
export function placementOf(a: Pick<StampOptions, 'section' | 'note' | 'loadable'>): Placement {
  const kind = a.loadable || a.note || a.section === undefined ? 'note' : 'section';
  return { kind, section: a.section ?? DEFAULT_STAMP_SECTION, loadable: !!a.loadable };
}

/** Why a placement may not survive stripping; empty when it does. */
export function placementWarnings(p: Placement): string[] {
  const out: string[] = [];
  if (/^\.(z?debug|gnu\.debuglto_|stab|line|gdb_index)/.test(p.section)) out.push(`strip -g and strip --strip-debug delete ${p.section} (a debugging section name); the default ${DEFAULT_STAMP_SECTION} survives them`);
  else if (p.kind === 'section' && !p.loadable) out.push(`eu-strip deletes non-ALLOC PROGBITS sections such as ${p.section}; --note keeps the stamp through every strip`);
  return out;
}

/** The section bytes for a stamp document in `placement`. */
export function stampPayload(doc: StampDocument, p: Placement, order: 'little' | 'big'): { json: string; data: Uint8Array } {
  const json = JSON.stringify(doc);
  if (p.kind === 'section') return { json, data: encodeUtf8(json) };
  // FDO package metadata: a NUL-terminated JSON object, as systemd's .note.package.
  return { json, data: encodeNote('FDO', C.NT_FDO_PACKAGING_METADATA, encodeUtf8(json + '\0'), order) };
}

/** The edits that put `data` in `p`, replacing every stamp already in the file. */
export function stampEdits(image: ElfImage, p: Placement, data: Uint8Array): SectionEdit[] {
  const edits: SectionEdit[] = [];
  let updated = false;
  for (const old of findStamps(image)) {
    const name = old.placement.section;
    if (name === null) throw new CliError('the file has no section headers; it cannot be stamped');
    if (!old.placement.alone) throw new CliError(`a stamp shares section ${name} with other notes; remove it first (elfkit section remove)`);
    if (name === p.section && old.placement.kind === p.kind && old.placement.loadable === p.loadable && !updated) {
      edits.push({ op: 'update', name, data });
      updated = true;
    } else if (!edits.some((e) => e.op === 'remove' && e.name === name)) {
      edits.unshift({ op: 'remove', name });
    }
  }
  if (!updated) edits.push({ op: 'add', name: p.section, data, type: p.kind === 'note' ? C.SHT_NOTE : C.SHT_PROGBITS, align: p.kind === 'note' ? 4 : 1, loadable: p.loadable });
  return edits;
}

/**
 * `elfkit stamp`: gathers git, CI and binary facts, writes the stamp
 * document in the chosen placement (replacing any earlier stamp) and
 * checks that the written file reads back with exactly that stamp.
 * `git` is the git facts already being read (`startGitFacts`), if the
 * caller started them.
 */
export async function runStamp(a: StampOptions, env: Record<string, string | undefined> = process.env, started?: StartedCopy, git?: Promise<GitFacts | null>): Promise<void> {
  const target = rewriteTarget(a.file, a.o, a.inPlace);
  const p = placementOf(a);
  let extra: Record<string, string>;
  let build: StampDocument['build'];
  try {
    extra = parseSetPairs(a.set ?? []);
    build = buildTime(env);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let json = '';
  const result = await rewriteFile(
    target,
    async (image) => {
      // git runs in its own processes while the file is copied and read.
      const facts = git ?? startGitFacts(a);
      const binary = binaryFacts(image);
      // The layout's scan of the input for unknown bytes needs no git: done while git runs, not after.
      unknownBytes(image);
      const gitFound = await facts;
      mark('git done');
      const doc = stampDocument({ git: gitFound, build, ci: ciFacts(env), binary, extra });
      const payload = stampPayload(doc, p, image.header.order);
      json = payload.json;
      return planRewrite(image, stampEdits(image, p, payload.data));
    },
    (written) => {
      const found = findStamps(written);
      if (found.length !== 1 || found[0]!.text !== json || found[0]!.placement.section !== p.section) throw new CliError('the stamped file does not read back with the new stamp; nothing was replaced');
    },
    started,
  );
  for (const w of [...placementWarnings(p), ...result.warnings]) writeErr(`elfkit: ${a.file}: warning: ${w}\n`);
}
