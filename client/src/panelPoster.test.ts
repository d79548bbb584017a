import * as assert from 'node:assert/strict';
import { PanelPoster, type PostablePanel } from './panelPoster';

/** A panel that behaves as VS Code's does once closed: touching `webview` throws "Webview is disposed". */
function fakePanel() {
  const listeners = new Set<() => void>();
  const sent: unknown[] = [];
  let closed = false;
  let pending: Array<() => void> = [];
  const webview = {
    postMessage: (message: unknown) => {
      sent.push(message);
      // Delivered asynchronously, like the real one; a close meanwhile rejects it.
      return new Promise<boolean>((resolve, reject) => pending.push(() => (closed ? reject(new Error('Webview is disposed')) : resolve(true))));
    },
  };
  const panel: PostablePanel<unknown> & { title: string } = {
    get webview() {
      if (closed) throw new Error('Webview is disposed');
      return webview;
    },
    onDidDispose(listener) {
      listeners.add(listener);
      return { dispose: () => void listeners.delete(listener) };
    },
    get title() {
      return 't';
    },
    set title(_value: string) {
      if (closed) throw new Error('Webview is disposed');
    },
  };
  return {
    panel,
    sent,
    close() {
      closed = true;
      for (const listener of [...listeners]) listener();
    },
    deliver() {
      const now = pending;
      pending = [];
      for (const settle of now) settle();
    },
  };
}

describe('PanelPoster', () => {
  it('posts while the panel is open', async () => {
    const fake = fakePanel();
    const poster = new PanelPoster(fake.panel);
    const posted = poster.post({ type: 'a' });
    fake.deliver();
    assert.equal(await posted, true);
    assert.deepEqual(fake.sent, [{ type: 'a' }]);
    assert.equal(poster.disposed, false);
  });

  it('sends nothing and never rejects after the panel was closed (where the raw panel throws "Webview is disposed")', async () => {
    const fake = fakePanel();
    const poster = new PanelPoster(fake.panel);
    fake.close();
    assert.throws(() => fake.panel.webview.postMessage({}), /Webview is disposed/, 'the fake behaves as VS Code does');
    assert.equal(await poster.post({ type: 'samples' }), false);
    assert.deepEqual(fake.sent, []);
    assert.equal(poster.disposed, true);
    poster.whileOpen(() => (fake.panel.title = 'Results'));
  });

  it('swallows the rejection of a message in flight when the panel closes', async () => {
    const fake = fakePanel();
    const poster = new PanelPoster(fake.panel);
    const posted = poster.post({ type: 'samples' });
    fake.close();
    fake.deliver();
    assert.equal(await posted, false);
  });

  it('still reports a failure of an open panel', async () => {
    const fake = fakePanel();
    const failing: PostablePanel<unknown> = { webview: { postMessage: () => Promise.reject(new Error('not serializable')) }, onDidDispose: fake.panel.onDidDispose };
    await assert.rejects(new PanelPoster(failing).post({}), /not serializable/);
  });

  it('counts as closed once disposed (the owner closed first, whatever the order of the close listeners)', async () => {
    const fake = fakePanel();
    const poster = new PanelPoster(fake.panel);
    poster.dispose();
    assert.equal(await poster.post({}), false);
    assert.deepEqual(fake.sent, []);
  });
});
