import assert from 'node:assert/strict';
import { ProviderError } from './providers/types';
import { parseRetryAfter, retryDelay, sleep, withRetries } from './retry';

const fast = { retries: 3, timeoutMs: 1000, baseDelayMs: 1, maxDelayMs: 4, random: () => 0.5 };

describe('retry', () => {
  describe('parseRetryAfter', () => {
    it('reads retry-after-ms first, then Retry-After as seconds or an HTTP date', () => {
      assert.equal(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }), 250);
      assert.equal(parseRetryAfter(new Headers({ 'Retry-After': '2' })), 2000);
      assert.equal(parseRetryAfter({ 'Retry-After': '0.5' }), 500);
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:28:03 GMT' }, now), 3000);
      assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 21 Oct 2015 07:27:00 GMT' }, now), 0, 'a past date means now');
    });

    it('is undefined when absent or unreadable', () => {
      assert.equal(parseRetryAfter(undefined), undefined);
      assert.equal(parseRetryAfter({}), undefined);
      assert.equal(parseRetryAfter({ 'retry-after': 'soon' }), undefined);
      assert.equal(parseRetryAfter({ 'retry-after-ms': '-5' }), undefined);
    });
  });

  describe('retryDelay', () => {
    const plain = new ProviderError('server', 'boom');
    it('backs off exponentially with equal jitter, capped', () => {
      const policy = { retries: 5, timeoutMs: 1, baseDelayMs: 100, maxDelayMs: 1000 };
      assert.equal(retryDelay(1, plain, { ...policy, random: () => 0 }), 50);
      assert.equal(retryDelay(1, plain, { ...policy, random: () => 1 }), 100);
      assert.equal(retryDelay(3, plain, { ...policy, random: () => 1 }), 400);
      assert.equal(retryDelay(10, plain, { ...policy, random: () => 1 }), 1000);
    });

    it('honours the server\'s Retry-After, capped, with at most 10% jitter', () => {
      const asked = new ProviderError('rate-limit', 'slow down', { status: 429, retryAfterMs: 2000 });
      assert.equal(retryDelay(1, asked, { retries: 1, timeoutMs: 1, random: () => 0 }), 2000);
      assert.equal(retryDelay(1, asked, { retries: 1, timeoutMs: 1, random: () => 1 }), 2200);
      const greedy = new ProviderError('rate-limit', 'slow down', { retryAfterMs: 3_600_000 });
      assert.equal(retryDelay(1, greedy, { retries: 1, timeoutMs: 1, maxRetryAfterMs: 5000, random: () => 0 }), 5000);
    });
  });

  describe('withRetries', () => {
    it('retries retryable errors until one attempt succeeds, telling each retry', async () => {
      const kinds = ['rate-limit', 'server', 'network', 'malformed'] as const;
      const notices: string[] = [];
      let calls = 0;
      const result = await withRetries(
        async () => {
          const kind = kinds[calls++];
          if (kind) throw new ProviderError(kind, kind);
          return 'done';
        },
        { ...fast, retries: 4 },
        new AbortController().signal,
        (notice) => notices.push(`${notice.attempt}:${notice.error.kind}`),
      );
      assert.equal(result, 'done');
      assert.equal(calls, 5);
      assert.deepEqual(notices, ['1:rate-limit', '2:server', '3:network', '4:malformed']);
    });

    for (const kind of ['auth', 'not-found', 'bad-request', 'quota'] as const) {
      it(`does not retry ${kind}`, async () => {
        let calls = 0;
        await assert.rejects(
          withRetries(
            async () => {
              calls++;
              throw new ProviderError(kind, `no: ${kind}`);
            },
            fast,
            new AbortController().signal,
          ),
          (error: unknown) => error instanceof ProviderError && error.kind === kind,
        );
        assert.equal(calls, 1);
      });
    }

    it('does not retry errors that are not ProviderErrors (bugs surface at once)', async () => {
      let calls = 0;
      await assert.rejects(
        withRetries(
          async () => {
            calls++;
            throw new TypeError('bug');
          },
          fast,
          new AbortController().signal,
        ),
        TypeError,
      );
      assert.equal(calls, 1);
    });

    it('gives up after the last retry with the last error', async () => {
      let calls = 0;
      await assert.rejects(
        withRetries(
          async () => {
            throw new ProviderError('server', `fail ${++calls}`);
          },
          { ...fast, retries: 2 },
          new AbortController().signal,
        ),
        /fail 3/,
      );
      assert.equal(calls, 3);
    });

    it('times out an attempt that never settles, even one ignoring its signal, and retries it', async () => {
      let calls = 0;
      const signals: AbortSignal[] = [];
      const result = await withRetries(
        (signal) => {
          signals.push(signal);
          if (++calls === 1) return new Promise<string>(() => {});
          return Promise.resolve('second');
        },
        { ...fast, timeoutMs: 30, endpoint: 'http://x/v1' },
        new AbortController().signal,
      );
      assert.equal(result, 'second');
      assert.equal(signals[0]!.aborted, true);
      assert.ok(signals[0]!.reason instanceof ProviderError && signals[0]!.reason.kind === 'timeout');
      assert.match(signals[0]!.reason.message, /No answer from http:\/\/x\/v1 within 0.03 s/);
    });

    it('stops at once when cancelled during an attempt or during a backoff wait', async () => {
      const during = new AbortController();
      const pending = withRetries(() => new Promise<string>(() => {}), { ...fast, timeoutMs: 60_000 }, during.signal);
      setTimeout(() => during.abort(), 10);
      await assert.rejects(pending, (error: unknown) => error instanceof ProviderError && error.kind === 'cancelled');

      const waiting = new AbortController();
      let calls = 0;
      const backoff = withRetries(
        async () => {
          calls++;
          throw new ProviderError('rate-limit', 'wait', { retryAfterMs: 60_000 });
        },
        fast,
        waiting.signal,
        () => setTimeout(() => waiting.abort(), 10),
      );
      await assert.rejects(backoff, (error: unknown) => error instanceof ProviderError && error.kind === 'cancelled');
      assert.equal(calls, 1);
    });

    it('sleep rejects at once with a signal that has already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(sleep(60_000, controller.signal), /Cancelled/);
    });
  });
});
