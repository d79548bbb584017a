/**
 * What the results view says about a run that left no results of its own (the engine keeps the earlier summary when
 * a run grades nothing: every sample failed, or it was cancelled first). Pure: the host passes the time format.
 */
import type { ResultOrigin } from '../../../core/src/check/provenance';
import type { LaterRun } from './samplesIndex';

/**
 * What the view says about results it shows that this user did not measure (`summaryOrigin`: not signed with their
 * key, e.g. committed to the repository); null for their own.
 */
export function originNote(origin: ResultOrigin): string | null {
  return origin === 'here'
    ? null
    : 'Measured elsewhere: these results were found in this folder’s .inoculate/ (e.g. committed to the repository), not measured by you, so they are not used to calibrate predictions. Run the check to measure them yourself.';
}

/** The note about `run`; `shownFinishedAt` is when the results shown finished (absent: none are shown). */
export function laterRunNote(run: LaterRun, shownFinishedAt: string | undefined, time: (iso: string) => string): string {
  const started = run.startedAt ? ` (started ${time(run.startedAt)})` : '';
  const first = run.firstError ? ` The first failure: ${run.firstError}` : '';
  const what =
    run.failed === run.samples
      ? `produced no results: ${run.samples === 1 ? 'its only sample' : `all ${run.samples} of its samples`} failed.${first}`
      : run.failed > 0
        ? `left no results: ${run.failed} of its ${run.samples} samples failed and the others were not finished.${first}`
        : `has ${run.samples} sample${run.samples === 1 ? '' : 's'} but no results yet: it is still running, or was interrupted.`;
  const shown = shownFinishedAt ? ` Shown below: the results of the earlier check that finished ${time(shownFinishedAt)}.` : '';
  return `The latest run${started} ${what}${shown}`;
}
