/**
 * The language service: one object the adapters (LSP server, CLI) call. It owns the caches and delegates each
 * request to its feature module; it knows nothing of LSP connections or VS Code.
 */
import type { CodeAction, CodeLens, CompletionList, Diagnostic, DocumentSymbol, FoldingRange, Hover, Position } from 'vscode-languageserver-types';
import { AnalysisCache, strengthLabel, type DocumentAnalysis, type TextDocumentLike } from './analysis';
import { computeCodeActions, type CodeActionOptions } from './codeActions';
import { computeCodeLenses, type CodeLensOptions } from './codeLens';
import { computeCompletions, type CompletionOptions } from './completion';
import { DatasetCache, type WorkspaceAccess } from './datasets';
import { computeDiagnostics, type CancellationLike, type DiagnosticOptions, type InocDiagnostic } from './diagnostics';
import { explainVariant } from './explain';
import { computeFoldingRanges } from './folding';
import type { LanguageServiceHost } from './host';
import { computeHover } from './hover';
import { NO_MEASUREMENTS, type MeasurementSource } from './measurements';
import { NO_EVAL_RESULTS, type EvalResultsSource } from './evalResults';
import { NO_TRAINED_RUNS, type TrainedRunsSource } from './trainedRuns';
import { computeDocumentSymbols } from './symbols';
import type { ScoreFactor } from '../scoring/types';
import type { ModelDatesCache } from '../train/modelDates';

/** A variant's score as the status bar and `inoculate score` show it. */
export interface VariantScore {
  name: string;
  control: boolean;
  /** 0-based line of the heading. */
  line: number;
  /** Null for controls, empty variants, and while `behavior` is unknown. */
  predicted: number | null;
  strength: string | null;
  explanation: ScoreFactor[];
}

export class InocLanguageService {
  private readonly analyses = new AnalysisCache();
  private readonly datasets: DatasetCache;
  private measurements: MeasurementSource = NO_MEASUREMENTS;
  private modelDates: ModelDatesCache = {};
  private trainedRuns: TrainedRunsSource = NO_TRAINED_RUNS;
  private evalResults: EvalResultsSource = NO_EVAL_RESULTS;

  constructor(host: LanguageServiceHost) {
    this.datasets = new DatasetCache(host);
  }

  /** The shared analysis of a document (parsed once per version). */
  analyze(document: TextDocumentLike): DocumentAnalysis {
    return this.analyses.get(document);
  }

  /**
   * Where datasets may be read from: anywhere in a trusted workspace (the default, e.g. for the CLI), only inside
   * the workspace folders otherwise. Forgets the datasets read so far.
   */
  setWorkspaceAccess(access: WorkspaceAccess): void {
    this.datasets.setAccess(access);
  }

  /** Uses `source` for measured rates and calibration from now on. */
  setMeasurements(source: MeasurementSource): void {
    this.measurements = source;
  }

  /** Uses `source` for the `trained: N runs` lenses from now on. */
  setTrainedRuns(source: TrainedRunsSource): void {
    this.trainedRuns = source;
  }

  /** Uses `source` for the evaluation lenses (`inoculated: B 12% (−31 pts) · ...`) from now on. */
  setEvalResults(source: EvalResultsSource): void {
    this.evalResults = source;
  }

  /** Uses `cache` (what training preflights learned about model dates) for the dated diagnostics from now on. */
  setModelDates(cache: ModelDatesCache): void {
    this.modelDates = cache;
  }

  diagnostics(document: TextDocumentLike, options?: DiagnosticOptions, token?: CancellationLike): Promise<InocDiagnostic[]> {
    return computeDiagnostics(this.analyze(document), this.datasets, { modelDates: this.modelDates, ...options }, token);
  }

  hover(document: TextDocumentLike, position: Position): Promise<Hover | null> {
    const analysis = this.analyze(document);
    return computeHover(analysis, clamp(analysis, position), this.datasets, this.measurements);
  }

  completions(document: TextDocumentLike, position: Position, options?: CompletionOptions): Promise<CompletionList> {
    const analysis = this.analyze(document);
    return computeCompletions(analysis, clamp(analysis, position), this.datasets, options);
  }

  documentSymbols(document: TextDocumentLike): DocumentSymbol[] {
    return computeDocumentSymbols(this.analyze(document));
  }

  foldingRanges(document: TextDocumentLike): FoldingRange[] {
    return computeFoldingRanges(this.analyze(document));
  }

  codeLenses(document: TextDocumentLike, options: CodeLensOptions): CodeLens[] {
    return computeCodeLenses(this.analyze(document), this.measurements, { trainedRuns: this.trainedRuns, evalResults: this.evalResults, ...options });
  }

  /** Quick fixes for `diagnostics`, as far as the client can apply them (`options`; default: VS Code's client). */
  codeActions(document: TextDocumentLike, diagnostics: Diagnostic[], options?: CodeActionOptions): CodeAction[] {
    return computeCodeActions(this.analyze(document), diagnostics, options);
  }

  /** The score of the variant whose heading is on `line`, its reasons and its measurement, in plain text. */
  explainVariant(document: TextDocumentLike, line: number): string | undefined {
    const analysis = this.analyze(document);
    const variant = analysis.doc.variants.find((v) => analysis.doc.lines.positionAt(v.headingStart).line === line);
    return variant ? explainVariant(analysis, variant, this.measurements) : undefined;
  }

  /** Every variant with its predicted score and explanation. */
  variantScores(document: TextDocumentLike): VariantScore[] {
    const analysis = this.analyze(document);
    return analysis.doc.variants.map((variant) => {
      const score = !variant.control && variant.text ? analysis.scoreOf(variant) : undefined;
      return {
        name: variant.name,
        control: variant.control,
        line: analysis.doc.lines.positionAt(variant.headingStart).line,
        predicted: score ? score.score : null,
        strength: score ? strengthLabel(score.score) : null,
        explanation: score ? score.factors : [],
      };
    });
  }

  /** The variant whose section holds `position` (for the status bar), if any. */
  variantAt(document: TextDocumentLike, position: Position): VariantScore | undefined {
    const analysis = this.analyze(document);
    const offset = analysis.doc.lines.offsetAt(clamp(analysis, position));
    // The last variant starting at or before the cursor: a section ends where the next heading starts.
    let index = -1;
    analysis.doc.variants.forEach((v, i) => {
      if (v.headingStart <= offset && offset <= v.sectionEnd) index = i;
    });
    return index < 0 ? undefined : this.variantScores(document)[index];
  }

  /** A file changed on disk (a dataset): forget what was read from it. */
  fileChanged(uri?: string): void {
    this.datasets.invalidate(uri);
  }

  documentClosed(uri: string): void {
    this.analyses.delete(uri);
  }
}

/** A position inside the document (clients may send stale positions past the end). */
function clamp(analysis: DocumentAnalysis, position: Position): Position {
  const lines = analysis.doc.lines;
  return lines.positionAt(lines.offsetAt(position));
}
