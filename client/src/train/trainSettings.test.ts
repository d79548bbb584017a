import assert from 'node:assert/strict';
import type { InspectedValue } from '../checkSettings';
import { readTrainClientSettings } from './trainSettings';

const config = (values: Record<string, InspectedValue<unknown>>) => ({ inspect: <T>(section: string) => values[section] as InspectedValue<T> | undefined });

describe('the training settings', () => {
  it('confirms by default; only the user can switch the confirmation off, a workspace only on', () => {
    assert.equal(readTrainClientSettings(config({ 'train.confirm': { defaultValue: true } })).confirm, true);
    assert.equal(readTrainClientSettings(config({ 'train.confirm': { defaultValue: true, globalValue: false } })).confirm, false);
    assert.equal(readTrainClientSettings(config({ 'train.confirm': { defaultValue: true, workspaceValue: false } })).confirm, true, 'a cloned folder cannot skip the confirmation');
    assert.equal(readTrainClientSettings(config({ 'train.confirm': { defaultValue: true, workspaceFolderValue: false, globalValue: false } })).confirm, false);
    assert.equal(readTrainClientSettings(config({ 'train.confirm': { defaultValue: true, globalValue: false, workspaceValue: true } })).confirm, true);
  });

  it('reads the poll interval in seconds within its bounds, else the default of 5 s', () => {
    assert.equal(readTrainClientSettings(config({ 'jobs.pollInterval': { defaultValue: 5 } })).pollIntervalMs, 5000);
    assert.equal(readTrainClientSettings(config({ 'jobs.pollInterval': { defaultValue: 5, globalValue: 0.05 } })).pollIntervalMs, 50);
    for (const bad of [0, -1, 'fast', 1e9, Number.NaN]) assert.equal(readTrainClientSettings(config({ 'jobs.pollInterval': { defaultValue: 5, globalValue: bad } })).pollIntervalMs, 5000, String(bad));
  });

  it("lets a workspace's settings slow the polls down, never speed them up (they carry your key)", () => {
    assert.equal(readTrainClientSettings(config({ 'jobs.pollInterval': { defaultValue: 5, workspaceValue: 0.01 } })).pollIntervalMs, 5000);
    assert.equal(readTrainClientSettings(config({ 'jobs.pollInterval': { defaultValue: 5, globalValue: 1, workspaceFolderValue: 0.5 } })).pollIntervalMs, 1000);
    assert.equal(readTrainClientSettings(config({ 'jobs.pollInterval': { defaultValue: 5, globalValue: 1, workspaceValue: 30 } })).pollIntervalMs, 30000);
  });
});
