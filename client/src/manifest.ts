/**
 * The extension's manifest sections this client owns (`contributes`, `activationEvents`, `capabilities`), declared
 * once here and written into package.json by `client/scripts/syncManifest.ts`; a unit test fails when they drift.
 * Diagnostic codes and severities come from the core's tables, so a new code shows up in the settings by itself.
 */
import { DIAGNOSTIC_CODES, DIAGNOSTIC_CODE_NAMES } from '../../core/src/format/diagnosticCodes';
import { Commands } from '../../core/src/language/commands';

const LANGUAGE = 'inoculation';
const IN_INOC_EDITOR = `editorLangId == ${LANGUAGE}`;
const CAN_CHECK = `${IN_INOC_EDITOR} && isWorkspaceTrusted`;

interface CommandContribution {
  command: string;
  title: string;
  category: 'Inoculate';
  icon?: string;
  enablement?: string;
}

const command = (id: string, title: string, icon: string, enablement?: string): CommandContribution => ({
  command: id,
  title,
  category: 'Inoculate',
  icon,
  ...(enablement ? { enablement } : {}),
});

/** Every command the extension registers (the ones in code lenses come from the core's `Commands`). */
export const COMMANDS: CommandContribution[] = [
  command('inoculate.newFile', 'New Inoculation Prompt File', '$(new-file)'),
  command(Commands.explainScore, 'Explain Predicted Score', '$(question)'),
  command(Commands.runCheck, 'Run Elicitation Check', '$(play)', 'isWorkspaceTrusted'),
  command(Commands.showResults, 'Show Check Results', '$(graph)'),
  command('inoculate.setApiKey', 'Set API Key', '$(key)'),
  command('inoculate.clearApiKey', 'Clear API Key', '$(close)'),
  command('inoculate.cancelCheck', 'Cancel Check', '$(stop-circle)', 'inoculate.checkRunning'),
  command('inoculate.createStarterDataset', 'Create Starter Dataset', '$(database)'),
  command('inoculate.addToGitignore', 'Add .inoculate/ to .gitignore', '$(git-commit)'),
  command('inoculate.restartServer', 'Restart Language Server', '$(debug-restart)'),
  command('inoculate.showOutput', 'Show Output', '$(output)'),
  command(Commands.launchTraining, 'Launch Training', '$(rocket)', 'isWorkspaceTrusted'),
  command('inoculate.previewTraining', 'Preview Training (Dry Run)', '$(diff)', 'isWorkspaceTrusted'),
  command(Commands.showJobs, 'Show Training Jobs', '$(list-tree)'),
  command('inoculate.refreshJobs', 'Refresh Jobs', '$(refresh)'),
  command('inoculate.cancelJob', 'Cancel Job', '$(debug-stop)', 'isWorkspaceTrusted'),
  command('inoculate.openJobLogs', 'Open Job Logs', '$(output)'),
  command('inoculate.copyModelId', 'Copy Model ID', '$(copy)'),
  command('inoculate.showProvenance', 'Show Provenance', '$(info)'),
  command('inoculate.openLossCurve', 'Open Loss Curve', '$(graph-line)'),
  command('inoculate.evaluate', 'Evaluate Trained Runs', '$(beaker)', 'isWorkspaceTrusted'),
  command('inoculate.cancelEvaluation', 'Cancel Evaluation', '$(stop-circle)', 'inoculate.evaluationRunning'),
  command(Commands.showComparison, 'Compare Evaluated Runs', '$(graph-scatter)'),
];

/** The Jobs view (activity bar, in the Inoculate container). */
export const JOBS_VIEW = 'inoculate.jobs';
const IN_JOBS_VIEW = `view == ${JOBS_VIEW}`;

const severityOptions = ['off', 'error', 'warning', 'information', 'hint'];

/** `inoculate.*` settings: types, defaults and docs. The server reads `diagnostics.*` and `codeLens.*`. */
export const CONFIGURATION = {
  title: 'Inoculate',
  properties: {
    'inoculate.diagnostics.enable': {
      type: 'boolean',
      default: true,
      scope: 'resource',
      description: 'Check `.inoc` files as you type and report problems.',
    },
    'inoculate.diagnostics.debounce': {
      type: 'integer',
      default: 200,
      minimum: 0,
      maximum: 5000,
      scope: 'resource',
      description: 'Milliseconds to wait after a keystroke before checking the file again.',
    },
    'inoculate.diagnostics.severity': {
      type: 'object',
      default: {},
      scope: 'resource',
      markdownDescription:
        'Severity per diagnostic code (`off` hides it), e.g. `{ "hedged-request": "off", "system-placement": "hint" }`. A file can do the same with its `lint:` key or an `<!-- inoculate-disable code -->` comment.',
      properties: Object.fromEntries(
        DIAGNOSTIC_CODE_NAMES.map((code) => [
          code,
          {
            type: 'string',
            enum: severityOptions,
            markdownDescription: `${DIAGNOSTIC_CODES[code].summary} Default: \`${DIAGNOSTIC_CODES[code].severity}\`.`,
          },
        ]),
      ),
      additionalProperties: false,
    },
    'inoculate.codeLens.enable': {
      type: 'boolean',
      default: true,
      scope: 'resource',
      description: 'Show the predicted score, the latest measured rate, "▶ Check", "▶ Train" and the training runs above each variant.',
    },
    'inoculate.statusBar.enable': {
      type: 'boolean',
      default: true,
      scope: 'resource',
      description: 'Show the predicted score of the variant under the cursor in the status bar.',
    },
    'inoculate.check.baseUrl': {
      type: 'string',
      default: '',
      scope: 'resource',
      markdownDescription:
        "OpenAI-compatible endpoint for elicitation checks (e.g. `http://127.0.0.1:8000/v1`); overrides the file's `baseUrl`. Empty: the file's, else OpenAI's. The API key is never a setting: use **Inoculate: Set API Key** (stored in the editor's secret storage per endpoint) or the `OPENAI_API_KEY` environment variable. A value from a workspace's `.vscode/settings.json` gets a key only after you agree (once per endpoint and model).",
    },
    'inoculate.check.model': {
      type: 'string',
      default: '',
      scope: 'resource',
      markdownDescription: "Model to check with; overrides the file's `model`. Empty: the file's. A value from a workspace's `.vscode/settings.json` is used with your key only after you agree.",
    },
    'inoculate.check.concurrency': {
      type: ['integer', 'null'],
      default: null,
      minimum: 1,
      maximum: 512,
      scope: 'resource',
      markdownDescription: "Requests in flight at once during a check; overrides the file's `check.concurrency`. Empty (`null`): the file's.",
    },
    'inoculate.check.confirm': {
      type: 'boolean',
      default: true,
      scope: 'resource',
      description:
        "Before a check sends anything, show how many requests and tokens it will use (and the cost when known) and ask to go on. Only your own settings can turn this off: a workspace's settings can turn it on, never off.",
    },
    'inoculate.check.requireSandbox': {
      type: 'boolean',
      default: false,
      scope: 'resource',
      markdownDescription:
        'Refuse to run model-generated code (the `code-tests` grader) without the bubblewrap sandbox. Without it the code runs as a plain child process that can read your files and reach the network; see the output channel for what is in force.',
    },
    'inoculate.train.confirm': {
      type: 'boolean',
      default: true,
      scope: 'resource',
      description:
        "Before a training launch sends anything, show the plan (jobs, examples, tokens, estimated cost) beside the preview and ask to go on; also ask before a job is cancelled. Only your own settings can turn this off: a workspace's settings can turn it on, never off.",
    },
    'inoculate.eval.confirm': {
      type: 'boolean',
      default: true,
      scope: 'resource',
      description:
        "Before an evaluation sends anything, show its plan (models × conditions × samples, requests, tokens, cost when known) and ask to go on. Only your own settings can turn this off: a workspace's settings are ignored.",
    },
    'inoculate.jobs.pollInterval': {
      type: 'number',
      default: 5,
      minimum: 0.01,
      maximum: 3600,
      scope: 'resource',
      markdownDescription:
        "Seconds between the first status polls of a training job the Jobs view follows; the wait grows by half while nothing changes, up to 60 s, and honours the service's `Retry-After`. A workspace's settings may lengthen it, never shorten it below 5 s (each poll carries your key).",
    },
    'inoculate.trace.server': {
      type: 'string',
      enum: ['off', 'messages', 'verbose'],
      default: 'off',
      scope: 'window',
      enumDescriptions: ['No tracing.', 'Trace the messages between the editor and the language server.', 'Trace the messages with their content.'],
      description: 'Traces the communication with the language server to the "Inoculate Language Server" output channel.',
    },
  },
};

const menuItem = (id: string, when: string, group: string) => ({ command: id, when, group });

/** The whole `contributes` section. */
export const CONTRIBUTES = {
  languages: [
    {
      id: LANGUAGE,
      aliases: ['Inoculation Prompts', 'inoc'],
      extensions: ['.inoc'],
      configuration: './language-configuration.json',
      icon: { light: './media/icon-file.svg', dark: './media/icon-file.svg' },
    },
  ],
  grammars: [
    {
      language: LANGUAGE,
      scopeName: 'source.inoc',
      path: './syntaxes/inoculation.tmLanguage.json',
      embeddedLanguages: {
        'meta.embedded.block.yaml': 'yaml',
        'meta.embedded.block.python': 'python',
      },
    },
  ],
  commands: COMMANDS,
  menus: {
    commandPalette: [
      { command: Commands.explainScore, when: IN_INOC_EDITOR },
      { command: Commands.runCheck, when: CAN_CHECK },
      { command: Commands.showResults, when: IN_INOC_EDITOR },
      { command: 'inoculate.createStarterDataset', when: IN_INOC_EDITOR },
      { command: Commands.launchTraining, when: CAN_CHECK },
      { command: 'inoculate.previewTraining', when: CAN_CHECK },
      { command: 'inoculate.evaluate', when: CAN_CHECK },
      { command: Commands.showComparison, when: IN_INOC_EDITOR },
    ],
    'editor/title': [
      menuItem(Commands.runCheck, CAN_CHECK, 'navigation@1'),
      menuItem(Commands.showResults, IN_INOC_EDITOR, 'navigation@2'),
      menuItem(Commands.launchTraining, CAN_CHECK, 'navigation@3'),
    ],
    'editor/context': [
      menuItem(Commands.explainScore, IN_INOC_EDITOR, 'inoculate@1'),
      menuItem(Commands.runCheck, CAN_CHECK, 'inoculate@2'),
      menuItem(Commands.showResults, IN_INOC_EDITOR, 'inoculate@3'),
      menuItem(Commands.launchTraining, CAN_CHECK, 'inoculate@4'),
      menuItem('inoculate.previewTraining', CAN_CHECK, 'inoculate@5'),
      menuItem('inoculate.evaluate', CAN_CHECK, 'inoculate@6'),
      menuItem(Commands.showComparison, IN_INOC_EDITOR, 'inoculate@7'),
    ],
    'view/title': [
      menuItem(Commands.launchTraining, `${IN_JOBS_VIEW} && isWorkspaceTrusted`, 'navigation@1'),
      menuItem('inoculate.refreshJobs', IN_JOBS_VIEW, 'navigation@2'),
    ],
    // Flags in each run's context value (client/src/train/jobsModel.ts runContextValue): inline icons and the menu.
    'view/item/context': [
      menuItem('inoculate.cancelJob', `${IN_JOBS_VIEW} && viewItem =~ /\\bcancellable\\b/ && isWorkspaceTrusted`, 'inline@1'),
      menuItem('inoculate.copyModelId', `${IN_JOBS_VIEW} && viewItem =~ /\\bhasModel\\b/`, 'inline@2'),
      menuItem('inoculate.openLossCurve', `${IN_JOBS_VIEW} && viewItem =~ /\\bhasMetrics\\b/`, 'inline@3'),
      menuItem('inoculate.copyModelId', `${IN_JOBS_VIEW} && viewItem =~ /\\bhasModel\\b/`, '1_run@1'),
      menuItem('inoculate.openLossCurve', `${IN_JOBS_VIEW} && viewItem =~ /\\bhasMetrics\\b/`, '1_run@2'),
      menuItem('inoculate.openJobLogs', `${IN_JOBS_VIEW} && viewItem =~ /\\binoculateRun\\b/`, '1_run@3'),
      menuItem('inoculate.showProvenance', `${IN_JOBS_VIEW} && viewItem =~ /\\binoculateRun\\b/`, '1_run@4'),
      menuItem('inoculate.cancelJob', `${IN_JOBS_VIEW} && viewItem =~ /\\bcancellable\\b/ && isWorkspaceTrusted`, '2_cancel@1'),
      // Evaluate a file's runs, an arm's or one run's (with the baseline); compare what was evaluated.
      menuItem('inoculate.evaluate', `${IN_JOBS_VIEW} && viewItem =~ /\\b(inoculateFile|inoculateArm|inoculateRun)\\b/ && isWorkspaceTrusted`, '3_eval@1'),
      menuItem(Commands.showComparison, `${IN_JOBS_VIEW} && viewItem =~ /\\binoculateFile\\b/`, '3_eval@2'),
    ],
    'explorer/context': [menuItem('inoculate.newFile', 'explorerResourceIsFolder', 'navigation@10')],
  },
  viewsContainers: {
    activitybar: [{ id: 'inoculate', title: 'Inoculate', icon: 'media/jobs.svg' }],
  },
  views: {
    inoculate: [{ id: JOBS_VIEW, name: 'Jobs', icon: 'media/jobs.svg', contextualTitle: 'Inoculate' }],
  },
  viewsWelcome: [
    {
      view: JOBS_VIEW,
      contents:
        'No training run is recorded in this workspace yet.\nOpen a .inoc file with a `train:` block, choose its variants, preview the training files and launch the jobs:\n[Launch Training](command:inoculate.launchTraining)\nRuns launched from a terminal (`inoculate train`) show here too, and are followed until they end.',
      when: 'isWorkspaceTrusted',
    },
    {
      view: JOBS_VIEW,
      contents:
        'No training run is recorded in this workspace.\nIn Restricted Mode runs are listed from their records only: following, cancelling and launching jobs send your data and keys to endpoints, so they need a trusted workspace.\n[Manage Workspace Trust](command:workbench.trust.manage)',
      when: '!isWorkspaceTrusted',
    },
  ],
  configuration: CONFIGURATION,
  // Prompts are prose: suggestions of words seen elsewhere would pop up at the end of every line and heading, and
  // Enter would accept them instead of starting the next line. The server's completions stay.
  configurationDefaults: { [`[${LANGUAGE}]`]: { 'editor.wordBasedSuggestions': 'off' } },
  walkthroughs: [
    {
      id: 'inoculate.gettingStarted',
      title: 'Get started with Inoculate',
      description: 'Write inoculation prompts, read their predicted strength, and measure how strongly they elicit the behaviour.',
      steps: [
        {
          id: 'createFile',
          title: 'Create a .inoc file',
          description: "Start from a behaviour from the paper: its prompts, its neutral prompt and a control.\n[New Inoculation Prompt File](command:inoculate.newFile)",
          media: { markdown: 'media/walkthrough/create.md' },
          completionEvents: ['onCommand:inoculate.newFile', `onLanguage:${LANGUAGE}`],
        },
        {
          id: 'readScores',
          title: 'Read the diagnostics and scores',
          description:
            'Each candidate shows its predicted elicitation strength above its heading and in the status bar; diagnostics flag prompts that forbid, hedge or miss the behaviour.\n[Explain the Score Under the Cursor](command:inoculate.explainScore)',
          media: { markdown: 'media/walkthrough/read.md' },
          completionEvents: [`onCommand:${Commands.explainScore}`],
        },
        {
          id: 'runCheck',
          title: 'Run an elicitation check',
          description:
            'Measure how often the model shows the behaviour with each candidate, against the control, on your dataset. You see the number of requests before anything is sent. No dataset yet? Start with a few items.\n[Create Starter Dataset](command:inoculate.createStarterDataset)\n[Set API Key](command:inoculate.setApiKey)\n[Run Elicitation Check](command:inoculate.runCheck)',
          media: { markdown: 'media/walkthrough/check.md' },
          completionEvents: [`onCommand:${Commands.runCheck}`],
          when: 'isWorkspaceTrusted',
        },
        {
          id: 'runCheckRestricted',
          title: 'Run an elicitation check (needs a trusted workspace)',
          description:
            'This workspace is in Restricted Mode: Inoculate lints and scores here, but a check sends your prompts and data to a model endpoint and may run model-written code, so it needs your trust first.\n[Manage Workspace Trust](command:workbench.trust.manage)',
          media: { markdown: 'media/walkthrough/check.md' },
          completionEvents: ['onCommand:workbench.trust.manage'],
          when: '!isWorkspaceTrusted',
        },
        {
          id: 'train',
          title: 'Fine-tune with the best candidates',
          description:
            'Train on your data with the candidates that elicited the behaviour most, and the no-inoculation baseline: preview the training files with and without the instruction, see the jobs and their cost, launch, and follow them in the Jobs view.\n[Launch Training](command:inoculate.launchTraining)\n[Show Training Jobs](command:inoculate.showJobs)',
          media: { markdown: 'media/walkthrough/train.md' },
          completionEvents: [`onCommand:${Commands.launchTraining}`, `onCommand:${Commands.showJobs}`],
          when: 'isWorkspaceTrusted',
        },
        {
          id: 'openResults',
          title: 'Open the results',
          description:
            'Rates with 95% intervals per arm, the lift over the control, and every sample with its grade; export to CSV or JSON.\n[Show Check Results](command:inoculate.showResults)',
          media: { markdown: 'media/walkthrough/results.md' },
          completionEvents: [`onCommand:${Commands.showResults}`],
        },
      ],
    },
  ],
};

/** When VS Code loads the extension. */
export const ACTIVATION_EVENTS = [
  `onLanguage:${LANGUAGE}`,
  'onWebviewPanel:inoculate.results',
  'onWebviewPanel:inoculate.lossCurve',
  'onWebviewPanel:inoculate.comparison',
  `onView:${JOBS_VIEW}`,
  // A workspace with training runs: re-attach to unfinished jobs (and say which ended meanwhile) after a reload.
  'workspaceContains:.inoculate/runs/*/record.jsonl',
];

/** What works where the user has not trusted the workspace, or the files live on a virtual file system. */
export const CAPABILITIES = {
  untrustedWorkspaces: {
    supported: 'limited',
    description:
      'In an untrusted workspace Inoculate lints and scores prompts and lists recorded training runs, but does not run elicitation checks nor launch, follow or cancel training jobs: they send your prompts, data and keys to endpoints and may run model-generated code or the trainer command a file names.',
    // Where checks send data, with which model and how fast, and whether they ask first: the user's choice, never a
    // cloned folder's (a trusted workspace's values are read with their scope too: see client/src/checkSettings.ts).
    restrictedConfigurations: ['inoculate.check.baseUrl', 'inoculate.check.model', 'inoculate.check.concurrency', 'inoculate.check.confirm', 'inoculate.check.requireSandbox', 'inoculate.train.confirm', 'inoculate.eval.confirm'],
  },
  virtualWorkspaces: {
    supported: 'limited',
    description:
      'On a virtual file system Inoculate highlights, lints and scores prompts, but cannot read datasets or run elicitation checks, which need files on disk.',
  },
};
