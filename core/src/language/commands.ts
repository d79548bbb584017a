/** Command ids the language service puts in code lenses and code actions; the extension client registers them. */
export const Commands = {
  /** Args: `[uri: string, line: number]`: reveal the variant heading and show its score hover. */
  explainScore: 'inoculate.explainScore',
  /** Args: `[uri: string, variant?: string]`: run an elicitation check for one variant (or all). */
  runCheck: 'inoculate.runCheck',
  /** Args: `[uri: string]`: open the results view of the file's latest check. */
  showResults: 'inoculate.showResults',
} as const;
