/**
 * The analysis every feature starts from: the parsed document, its validated frontmatter and the score of each
 * candidate. Computed once per document version and shared by diagnostics, hover, code lens and symbols.
 */
import { analyzeFrontmatter, type FrontmatterAnalysis } from '../format/config';
import { parseInocDocument, type InocDocument, type Variant } from '../format/parse';
import { analyzePrompt } from '../scoring/score';
import type { BehaviorContext, PromptAnalysis } from '../scoring/types';

/** The minimal text document the service reads (an LSP `TextDocument` fits). */
export interface TextDocumentLike {
  readonly uri: string;
  readonly version: number;
  getText(): string;
}

export interface DocumentAnalysis {
  doc: InocDocument;
  frontmatter: FrontmatterAnalysis;
  /** Undefined until `behavior` is valid: without it nothing can be scored. */
  behavior: BehaviorContext | undefined;
  /** Scores of the candidates (and controls, for comparison), by variant index; computed lazily. */
  scoreOf(variant: Variant): PromptAnalysis | undefined;
  /** The score of any instruction text for this document's behaviour (e.g. a quick fix's result), cached by text. */
  scoreText(text: string): PromptAnalysis | undefined;
}

/** Caches analyses by document version and prompt scores by text, so a keystroke re-scores one variant only. */
export class AnalysisCache {
  private readonly documents = new Map<string, { version: number; text: string; analysis: DocumentAnalysis }>();
  private readonly scores = new Map<string, PromptAnalysis>();
  private static readonly MAX_SCORES = 5000;

  /** The analysis of `document`, reusing the cached one while version and text are unchanged. */
  get(document: TextDocumentLike): DocumentAnalysis {
    const text = document.getText();
    const cached = this.documents.get(document.uri);
    if (cached && cached.version === document.version && cached.text === text) return cached.analysis;
    const analysis = this.analyze(document.uri, text);
    this.documents.set(document.uri, { version: document.version, text, analysis });
    return analysis;
  }

  /** Forgets a closed document. */
  delete(uri: string): void {
    this.documents.delete(uri);
  }

  private analyze(uri: string, text: string): DocumentAnalysis {
    const doc = parseInocDocument(uri, text);
    const frontmatter = analyzeFrontmatter(doc);
    const config = frontmatter.config;
    const behavior: BehaviorContext | undefined = config.behavior
      ? { behavior: config.behavior, description: config.description, keywords: config.keywords }
      : undefined;
    const byVariant = new Map<number, PromptAnalysis>();
    const contextKey = behavior ? JSON.stringify([behavior.behavior, behavior.description ?? '', behavior.keywords]) : '';
    const scoreText = (text: string): PromptAnalysis | undefined => {
      if (!behavior) return undefined;
      const key = `${contextKey}\u0000${text}`;
      let result = this.scores.get(key);
      if (!result) {
        result = analyzePrompt(text, behavior);
        // A crude bound: clearing is cheap and the working set refills from open documents.
        if (this.scores.size >= AnalysisCache.MAX_SCORES) this.scores.clear();
        this.scores.set(key, result);
      }
      return result;
    };
    return {
      doc,
      frontmatter,
      behavior,
      scoreText,
      scoreOf: (variant) => {
        const known = byVariant.get(variant.index);
        if (known) return known;
        const result = scoreText(variant.text);
        if (result) byVariant.set(variant.index, result);
        return result;
      },
    };
  }
}

/** A one-word reading of a score, for code lenses and the status bar. */
export function strengthLabel(score: number): string {
  if (score >= 0.75) return 'strong';
  if (score >= 0.5) return 'moderate';
  if (score >= 0.25) return 'weak';
  return 'very weak';
}
