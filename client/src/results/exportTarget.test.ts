import assert from 'node:assert/strict';
import { afterExport, OPEN_EXPORT_MAX_BYTES } from './exportTarget';

describe('afterExport', () => {
  it('opens an export that is small enough to read, and reveals a large one where it was written', () => {
    assert.equal(afterExport(1200, true), 'open');
    assert.equal(afterExport(OPEN_EXPORT_MAX_BYTES, false), 'open');
    assert.equal(afterExport(OPEN_EXPORT_MAX_BYTES + 1, true), 'reveal-in-explorer');
    assert.equal(afterExport(OPEN_EXPORT_MAX_BYTES + 1, false), 'reveal-in-os');
  });
});
