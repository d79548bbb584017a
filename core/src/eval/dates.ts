/**
 * Before an OpenAI model is evaluated, its shutdown date: what the endpoint says (`GET /models/{id}`'s
 * `shutdown_date`, asked through the injected `fetchShutdown`), else the dated table (`train/modelDates.ts`). Before
 * the date: a warning with the date; on or after it: the model is refused (it can no longer be requested) and said
 * so with the date. Fine-tunes trained through OpenAI, and models requested on OpenAI's own endpoint, are checked.
 */
import { isOpenAIEndpoint } from '../check/providers/openai';
import { shutdownNotice, type ModelDatesCache } from '../train/modelDates';
import type { EvalModel } from './models';

/** What the date check decided. */
export interface DateCheck {
  allowed: EvalModel[];
  refused: Array<{ model: EvalModel; message: string }>;
  warnings: Array<{ model: EvalModel; message: string }>;
  /** What endpoints said, to remember (`rememberModelDate`). */
  learned: Array<{ baseUrl: string; model: string; shutdownDate: string | null }>;
}

/** Checks every model that OpenAI serves (see the module comment). `fileEndpoint` is where models without their own go. */
export async function checkModelDates(
  models: readonly EvalModel[],
  options: {
    today: Date;
    fileEndpoint: string;
    cache?: ModelDatesCache;
    /** `fetchModelShutdown` for one model at one endpoint: a date, null (none), undefined (could not ask). */
    fetchShutdown?: (model: string, baseUrl: string) => Promise<string | null | undefined>;
  },
): Promise<DateCheck> {
  const result: DateCheck = { allowed: [], refused: [], warnings: [], learned: [] };
  const cache: ModelDatesCache = structuredClone(options.cache ?? {});
  for (const model of models) {
    if (model.serving === 'vllm') {
      result.allowed.push(model);
      continue;
    }
    const baseUrl = (model.baseUrl ?? options.fileEndpoint).replace(/\/+$/, '');
    const openAI = model.backend === 'openai' || isOpenAIEndpoint(baseUrl);
    if (openAI && options.fetchShutdown) {
      const date = await options.fetchShutdown(model.model, baseUrl);
      if (date !== undefined) {
        result.learned.push({ baseUrl, model: model.model, shutdownDate: date });
        (cache[baseUrl] ??= {})[model.model] = { shutdownDate: date, checkedAt: options.today.toISOString() };
      }
    }
    const notice = openAI ? shutdownNotice(model.model, baseUrl, options.today, cache, 'evaluate') : undefined;
    const who = `${model.name}${model.seed === null ? '' : ` (seed ${model.seed})`}`;
    if (notice?.severity === 'error') {
      result.refused.push({ model, message: `${who}: ${notice.message}` });
      continue;
    }
    if (notice) result.warnings.push({ model, message: `${who}: ${notice.message}` });
    result.allowed.push(model);
  }
  return result;
}
