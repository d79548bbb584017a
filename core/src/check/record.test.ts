import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { makeWorkspace, type Workspace } from '../../../test/support/checkFixtures';
import { nodeResultsFileSystem as fs } from './nodeFs';
import { readRecords, RecordLog } from './record';

describe('RecordLog', () => {
  let workspace: Workspace;
  beforeEach(async () => (workspace = await makeWorkspace({})));
  afterEach(() => workspace.cleanup());

  it('appends one line per record, seals a cut last line, and reads back only records', async () => {
    const path = `${workspace.root}/log/records.jsonl`;
    await workspace.write('log/records.jsonl', '{"n":1}\n{"n":2,"cut');
    const log = await RecordLog.open<{ n: number }>(fs, path);
    await Promise.all([log.append({ n: 3 }), log.append({ n: 4 })]);
    await log.close();
    assert.equal(await readFile(path, 'utf8'), '{"n":1}\n{"n":2,"cut\n{"n":3}\n{"n":4}\n');
    const read: number[] = [];
    const count = await readRecords(fs, path, (value): value is { n: number } => typeof (value as { n?: unknown }).n === 'number', (record) => read.push(record.n));
    assert.equal(count, 3);
    assert.deepEqual(read, [1, 3, 4]);
    assert.equal(await readRecords(fs, `${workspace.root}/missing.jsonl`, (_v): _v is unknown => true, () => {}), 0);
  });
});
