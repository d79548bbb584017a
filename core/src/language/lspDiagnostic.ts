/** Conversion between our diagnostics and LSP's (the quick-fix details travel in `data`). */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver-types';
import { isDiagnosticCode, type Severity } from '../format/diagnosticCodes';
import type { DiagnosticFix, InocDiagnostic } from './diagnostics';

export const DIAGNOSTIC_SOURCE = 'inoculate';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

interface DiagnosticData {
  variant?: string;
  fixes?: DiagnosticFix[];
  starter?: boolean;
}

/** Our diagnostic as an LSP diagnostic, linking the code to its documentation. */
export function toLspDiagnostic(diagnostic: InocDiagnostic, docsBase?: string): Diagnostic {
  const data: DiagnosticData = { variant: diagnostic.variant, fixes: diagnostic.fixes, ...(diagnostic.starter ? { starter: true } : {}) };
  return {
    range: diagnostic.range,
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    codeDescription: docsBase ? { href: `${docsBase}#${diagnostic.code}` } : undefined,
    source: DIAGNOSTIC_SOURCE,
    message: diagnostic.message,
    tags: diagnostic.unnecessary ? [DiagnosticTag.Unnecessary] : undefined,
    data,
  };
}

/** Back from an LSP diagnostic the editor returns with a code action request; undefined if it is not ours. */
export function fromLspDiagnostic(diagnostic: Diagnostic): InocDiagnostic | undefined {
  if (diagnostic.source !== DIAGNOSTIC_SOURCE || !isDiagnosticCode(diagnostic.code)) return undefined;
  const data = (diagnostic.data ?? {}) as DiagnosticData;
  const severity = (Object.keys(SEVERITY) as Severity[]).find((s) => SEVERITY[s] === diagnostic.severity) ?? 'warning';
  return {
    code: diagnostic.code,
    severity,
    message: typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
    range: diagnostic.range,
    variant: typeof data.variant === 'string' ? data.variant : undefined,
    fixes: Array.isArray(data.fixes) ? data.fixes : undefined,
    ...(data.starter === true ? { starter: true } : {}),
  };
}
