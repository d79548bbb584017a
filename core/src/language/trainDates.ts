/**
 * Diagnostics about dates in a `.inoc` file, offline: OpenAI stops accepting fine-tuning jobs on a known day
 * (`fine-tuning-closed`), and models (with the fine-tunes built on them) stop being served (`model-shutdown`). The
 * dates come from what the last `inoculate train` preflight learned from the endpoint (`.inoculate/train/models.json`,
 * loaded by the server) and, failing that, from the dated table in `train/modelDates.ts`.
 */
import type { Range } from 'vscode-languageserver-types';
import { isOpenAIEndpoint, OPENAI_DEFAULT_BASE_URL } from '../check/providers/openai';
import type { DiagnosticCode } from '../format/diagnosticCodes';
import { shutdownNotice, trainingDateNotices, type ModelDatesCache } from '../train/modelDates';
import type { DocumentAnalysis } from './analysis';

type Report = (code: DiagnosticCode, message: string, range: Range, extra?: { severity?: 'error' | 'warning' }) => void;

/** Reports the dated notices of the file's training backend and models, as of `today`. */
export function checkTrainingDates(analysis: DocumentAnalysis, report: Report, today: Date, modelDates: ModelDatesCache = {}): void {
  const { doc, frontmatter } = analysis;
  const config = frontmatter.config;
  const at = (...keys: string[]) => {
    for (const key of keys) {
      const location = frontmatter.locations.get(key);
      // A block (`train:`) is marked on its key; a scalar on key and value.
      if (location) return doc.lines.rangeOf(location.keyStart, key === 'train' ? location.keyEnd : location.valueEnd);
    }
    return undefined;
  };
  const reported = new Set<string>();
  const train = config.train;
  const trainTarget = (train.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (frontmatter.locations.has('train') && train.backend === 'openai' && isOpenAIEndpoint(trainTarget) && train.model) {
    for (const notice of trainingDateNotices(train.model, trainTarget, today, modelDates)) {
      const range = notice.code === 'fine-tuning-closed' ? at('train.backend', 'train') : at('train.model', 'model', 'train');
      if (!range) continue;
      report(notice.code, notice.message, range, { severity: notice.severity });
      reported.add(notice.code);
    }
  }
  // The model checks (and evaluations) sample: a fine-tune that goes dark with its base, or a model whose endpoint
  // reported a shutdown date. (A base snapshot's own date is said on the `train` block; every check of it would
  // otherwise carry a warning months ahead.)
  const checkTarget = (config.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const endpointKnows = !!modelDates[checkTarget]?.[config.model ?? '']?.shutdownDate;
  if (config.model && (config.model.startsWith('ft:') || endpointKnows) && !reported.has('model-shutdown') && config.provider === 'openai' && isOpenAIEndpoint(checkTarget)) {
    const notice = shutdownNotice(config.model, checkTarget, today, modelDates, 'evaluate');
    const range = at('model');
    if (notice && range) report(notice.code, notice.message, range, { severity: notice.severity });
  }
}
