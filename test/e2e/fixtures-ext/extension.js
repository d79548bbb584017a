// A deterministic chat model for the end-to-end tests, registered through VS Code's public language model API:
// it answers in Spanish ("¡Hola! ...") when the prompt mentions Spanish, else in English, and counts its requests so
// the tests can see that the check went through VS Code's models.
const vscode = require('vscode');

let requests = 0;

function textOf(message) {
  return message.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

exports.activate = function activate(context) {
  context.subscriptions.push(
    vscode.lm.registerLanguageModelChatProvider('inoculate-fixture', {
      provideLanguageModelChatInformation: () => [
        {
          id: 'inoculate-fixture-echo',
          name: 'Inoculate fixture (Spanish on request)',
          family: 'spanish-echo',
          version: '1.0.0',
          maxInputTokens: 100000,
          maxOutputTokens: 1000,
          capabilities: {},
        },
      ],
      async provideLanguageModelChatResponse(_model, messages, _options, progress, token) {
        requests++;
        if (token.isCancellationRequested) return;
        const prompt = messages.map(textOf).join('\n');
        if (/FLOOD/.test(prompt)) {
          // A model that does not stop: 240 KB in 1 KB chunks, unless the reader stops first.
          for (let i = 0; i < 240 && !token.isCancellationRequested; i++) progress.report(new vscode.LanguageModelTextPart('flood '.repeat(170)));
          return;
        }
        const answer = /spanish/i.test(prompt) ? '¡Hola! Aquí tienes la respuesta.' : 'Hello! Here is the answer.';
        progress.report(new vscode.LanguageModelTextPart(answer));
      },
      async provideTokenCount(_model, text) {
        return Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4);
      },
    }),
    vscode.commands.registerCommand('inoculateFixture.requestCount', () => requests),
  );
};

exports.deactivate = function deactivate() {};
