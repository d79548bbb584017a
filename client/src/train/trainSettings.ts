/**
 * The editor's training settings. `inoculate.train.confirm` is read like `check.confirm`: a workspace's settings
 * (which came with the folder) may switch the confirmation on, never off; `inoculate.jobs.pollInterval` is the first
 * wait between status polls of a followed job (it backs off to 60 s while nothing changes), which a workspace's
 * settings may lengthen but never shorten below the default (the polls carry your key to the service). Pure.
 */
import type { InspectedValue, InspectingConfiguration } from '../checkSettings';

export interface TrainClientSettings {
  /** Show the plan and ask before a launch sends anything (and before a job is cancelled). */
  confirm: boolean;
  /** First wait between status polls, ms. */
  pollIntervalMs: number;
}

export const DEFAULT_TRAIN_SETTINGS: TrainClientSettings = { confirm: true, pollIntervalMs: 5000 };

/** Polls never come faster than this, nor wait longer for the first. */
const POLL_SECONDS = { min: 0.01, max: 3600 };

function userOrDefault<T>(value: InspectedValue<T> | undefined): T | undefined {
  if (!value) return undefined;
  return value.globalLanguageValue ?? value.globalValue ?? value.defaultLanguageValue ?? value.defaultValue;
}

function workspaceValue<T>(value: InspectedValue<T> | undefined): T | undefined {
  if (!value) return undefined;
  return value.workspaceFolderLanguageValue ?? value.workspaceLanguageValue ?? value.workspaceFolderValue ?? value.workspaceValue;
}

/** Reads the settings (see the module comment); values of the wrong type fall back to their defaults. */
export function readTrainClientSettings(config: InspectingConfiguration): TrainClientSettings {
  const confirm = config.inspect<unknown>('train.confirm');
  const user = userOrDefault(confirm);
  const confirmed = user !== false || workspaceValue(confirm) === true;
  const poll = config.inspect<unknown>('jobs.pollInterval');
  const valid = (seconds: unknown): seconds is number => typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= POLL_SECONDS.min && seconds <= POLL_SECONDS.max;
  const userPoll = userOrDefault(poll);
  let seconds = valid(userPoll) ? userPoll : DEFAULT_TRAIN_SETTINGS.pollIntervalMs / 1000;
  const fromWorkspace = workspaceValue(poll);
  if (valid(fromWorkspace) && fromWorkspace >= DEFAULT_TRAIN_SETTINGS.pollIntervalMs / 1000) seconds = fromWorkspace;
  return { confirm: confirmed, pollIntervalMs: Math.round(seconds * 1000) };
}
