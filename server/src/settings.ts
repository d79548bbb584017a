/** The server's settings, typed. Declared (with defaults and docs) in package.json; read per resource. */
import type { Severity } from '../../core/src/format/diagnosticCodes';

export interface ServerSettings {
  diagnostics: {
    enable: boolean;
    /** Milliseconds to wait after a keystroke before re-validating. */
    debounce: number;
    severity: Record<string, Severity | 'off'>;
  };
  codeLens: { enable: boolean };
}

export const DEFAULT_SETTINGS: ServerSettings = {
  diagnostics: { enable: true, debounce: 200, severity: {} },
  codeLens: { enable: true },
};

const SEVERITIES = new Set(['off', 'error', 'warning', 'information', 'hint']);

/** Settings from `workspace/configuration` (any shape, even null) made safe, with defaults. */
export function normalizeSettings(raw: unknown): ServerSettings {
  const section = (raw && typeof raw === 'object' ? raw : {}) as Record<string, any>;
  const diagnostics = (section.diagnostics && typeof section.diagnostics === 'object' ? section.diagnostics : {}) as Record<string, unknown>;
  const codeLens = (section.codeLens && typeof section.codeLens === 'object' ? section.codeLens : {}) as Record<string, unknown>;
  const severity: Record<string, Severity | 'off'> = {};
  if (diagnostics.severity && typeof diagnostics.severity === 'object') {
    for (const [code, value] of Object.entries(diagnostics.severity as Record<string, unknown>)) {
      if (typeof value === 'string' && SEVERITIES.has(value)) severity[code] = value as Severity | 'off';
    }
  }
  const debounce = typeof diagnostics.debounce === 'number' && Number.isFinite(diagnostics.debounce) ? diagnostics.debounce : DEFAULT_SETTINGS.diagnostics.debounce;
  return {
    diagnostics: {
      enable: typeof diagnostics.enable === 'boolean' ? diagnostics.enable : DEFAULT_SETTINGS.diagnostics.enable,
      debounce: Math.min(5000, Math.max(0, debounce)),
      severity,
    },
    codeLens: { enable: typeof codeLens.enable === 'boolean' ? codeLens.enable : DEFAULT_SETTINGS.codeLens.enable },
  };
}
