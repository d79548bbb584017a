/** For grader tests: an environment whose chat and moderation refuse unless a test supplies them. */
import type { GraderEnvironment } from './types';

/** A trusted environment rooted at the current directory; `overrides` replace any part. */
export function testEnvironment(overrides: Partial<GraderEnvironment> = {}): GraderEnvironment {
  return {
    baseDir: process.cwd(),
    workspaceTrusted: true,
    chat: async () => {
      throw new Error('no chat model in this test');
    },
    moderate: async () => {
      throw new Error('no moderation model in this test');
    },
    warn: () => undefined,
    ...overrides,
  };
}
