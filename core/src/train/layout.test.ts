import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { isRunId, runDir, runRecordPath, trainingFilePath, trainPaths } from './layout';

describe('training layout', () => {
  it('puts files and runs under .inoculate (or the results dir given)', () => {
    const paths = trainPaths('/w');
    assert.equal(paths.filesDir, join('/w', '.inoculate', 'train', 'files'));
    assert.equal(runRecordPath(paths, '0123456789abcdef'), join('/w', '.inoculate', 'runs', '0123456789abcdef', 'record.jsonl'));
    assert.equal(trainPaths('/w', '/r').runsDir, join('/r', 'runs'));
    assert.equal(trainingFilePath(paths, 'a'.repeat(64)), join(paths.filesDir, `${'a'.repeat(64)}.jsonl`));
  });

  it('refuses anything but a run id or a sha256 as a path part', () => {
    assert.ok(isRunId('0123456789abcdef'));
    for (const bad of ['../../etc', '0123456789ABCDEF', '0123', '0123456789abcdef/..']) assert.throws(() => runDir(trainPaths('/w'), bad), /not a run id/);
    assert.throws(() => trainingFilePath(trainPaths('/w'), '../x'), /not a sha256/);
  });
});
