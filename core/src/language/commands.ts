/** Command ids the language service puts in code lenses and code actions. */

/** Commands of the VS Code extension client (it registers them); other clients do not have them. */
export const Commands = {
  /** Args: `[uri: string, line: number]`: reveal the variant heading and show its score hover. */
  explainScore: 'inoculate.explainScore',
  /** Args: `[uri: string, variant?: string]`: run an elicitation check for one variant (or all). */
  runCheck: 'inoculate.runCheck',
  /** Args: `[uri: string]`: open the results view of the file's latest check. */
  showResults: 'inoculate.showResults',
  /** Args: `[uri: string]`: write the starter dataset to the file's `check.dataset` (never over an existing file). */
  createStarterDataset: 'inoculate.createStarterDataset',
  /** Args: `[uri: string, variant?: string]`: pick variants, seeds and backend, preview, confirm and launch fine-tuning jobs. */
  launchTraining: 'inoculate.launchTraining',
  /** Args: `[uri: string, arm?: string]`: reveal the file's (or arm's) training runs in the Jobs view. */
  showJobs: 'inoculate.showJobs',
  /** Args: `[uri: string]`: open the comparison view of the file's latest evaluation. */
  showComparison: 'inoculate.showComparison',
} as const;

/**
 * Commands the language server runs itself (`workspace/executeCommand`), so code lenses work in any editor. Their
 * ids differ from the client's: VS Code's client registers every server command as an editor command too.
 */
export const ServerCommands = {
  /** Args: `[uri: string, line: number]`: show the variant's score, its reasons and its measurement as a message. */
  explainScore: 'inoculate.server.explainScore',
} as const;

/** What the VS Code extension client runs itself (and tells the server in `initializationOptions.clientCommands`). */
export const VSCODE_CLIENT_COMMANDS: readonly string[] = [...Object.values(Commands), 'editor.action.triggerSuggest'];
