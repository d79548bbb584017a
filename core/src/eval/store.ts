/**
 * The evaluation summary on disk: `evals/<slug>/summary.json`, replaced atomically, signed with the user's key like
 * check summaries (in its own domain, so neither passes for the other). `readEvalSummary` never throws on a bad
 * file; `evalSummaryOrigin` tells results measured here from results found (e.g. committed to the repository).
 */
import { documentOrigin, signDocument, type Provenance, type ResultOrigin } from '../check/provenance';
import type { ResultsFileSystem } from '../check/resultsFs';
import type { EvalSummary } from './summary';

/** The signing domain of evaluation summaries. */
export const EVAL_SUMMARY_DOMAIN = 'eval-summary';

/** `summary` signed as measured by the holder of `provenance`. */
export function signEvalSummary(summary: EvalSummary, provenance: Provenance): EvalSummary {
  return signDocument(summary, provenance, EVAL_SUMMARY_DOMAIN);
}

/** Whether this user measured `summary`. */
export function evalSummaryOrigin(summary: EvalSummary, provenance: Provenance | undefined): ResultOrigin {
  return documentOrigin(summary, provenance, EVAL_SUMMARY_DOMAIN);
}

/** Replaces `path` with `summary` atomically (signed by the caller). */
export function writeEvalSummary(fs: Pick<ResultsFileSystem, 'writeAtomic'>, path: string, summary: EvalSummary): Promise<void> {
  return fs.writeAtomic(path, `${JSON.stringify(summary, null, 2)}\n`);
}

/** The summary at `path`; undefined when there is none or it is not an evaluation summary of version 1. */
export async function readEvalSummary(fs: Pick<ResultsFileSystem, 'readText'>, path: string): Promise<EvalSummary | undefined> {
  const text = await fs.readText(path);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<EvalSummary>;
    if (value?.version !== 1 || value.kind !== 'evaluation' || !Array.isArray(value.cells) || !Array.isArray(value.models) || typeof value.file !== 'string') return undefined;
    return value as EvalSummary;
  } catch {
    return undefined;
  }
}
