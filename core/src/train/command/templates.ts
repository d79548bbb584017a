/**
 * Job templates: the shipped ones (`templates/train/`) or the file's own (`train.command.template`, relative to the
 * `.inoc` file). YAML templates are parsed and filled structurally (set a field of the parsed document), never by
 * replacing text, so no value can change a template's structure or reach a script.
 */
import { isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { BackendError } from '../types';
import type { SchedulerContext } from './scheduler';

/** The template to use for a preset: the file's own when set, else the shipped one. */
export async function resolveTemplate(context: Pick<SchedulerContext, 'host' | 'settings' | 'baseDir' | 'templatesDir'>, shipped: string): Promise<{ path: string; text: string }> {
  const own = context.settings.template;
  const path = own ? (isAbsolute(own) ? own : join(context.baseDir, own)) : join(context.templatesDir, shipped);
  const text = await context.host.readText(path, 1024 * 1024);
  if (text === undefined) {
    throw new BackendError('permanent', own ? `train.command.template: ${path} does not exist` : `the shipped template ${path} is missing (a broken installation?)`);
  }
  return { path, text };
}

/** A plain JSON-like object. */
export type YamlObject = Record<string, unknown>;

export const isObject = (value: unknown): value is YamlObject => !!value && typeof value === 'object' && !Array.isArray(value);

/** Parses a YAML template into an object, with errors that name the file and line. */
export function parseYamlTemplate(path: string, text: string): YamlObject {
  let value: unknown;
  try {
    value = parseYaml(text, { prettyErrors: true, maxAliasCount: 100 });
  } catch (error) {
    throw new BackendError('permanent', `${path}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(value)) throw new BackendError('permanent', `${path}: expected a YAML mapping at the top`);
  return value;
}

/** The shipped trainer's argument list (templates/train/trl-sft.yaml `argv:`). */
export async function shippedTrainerArgv(context: Pick<SchedulerContext, 'host' | 'templatesDir'>): Promise<string[]> {
  const path = join(context.templatesDir, 'trl-sft.yaml');
  const text = await context.host.readText(path, 1024 * 1024);
  if (text === undefined) throw new BackendError('permanent', `the shipped trainer ${path} is missing (a broken installation?)`);
  const argv = parseYamlTemplate(path, text).argv;
  if (!Array.isArray(argv) || !argv.length || !argv.every((element) => typeof element === 'string')) {
    throw new BackendError('permanent', `${path}: "argv" must be a non-empty list of strings`);
  }
  return argv as string[];
}
