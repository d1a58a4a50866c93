import { planRewrite, type RewriteResult, type SectionEdit } from '@elfkit/elf/rewrite';
import { writeErr } from '../io/output.js';
import { rewriteFile, rewriteTarget } from '../io/rewrite-file.js';

/** Applies `edits` to `file`, writing `-o` or in place; prints the writer's warnings on stderr. */
export async function applyEdits(file: string, a: { o?: string; inPlace?: boolean }, edits: SectionEdit[]): Promise<RewriteResult> {
  const result = await rewriteFile(rewriteTarget(file, a.o, a.inPlace), (image) => planRewrite(image, edits));
  for (const w of result.warnings) writeErr(`elfkit: ${file}: warning: ${w}\n`);
  return result;
}
