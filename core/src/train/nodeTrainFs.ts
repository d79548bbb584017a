/** `TrainFileSystem` on the local disk: the check engine's Node file system plus a folder listing. */
import { readdir } from 'node:fs/promises';
import { nodeResultsFileSystem } from '../check/nodeFs';
import type { TrainFileSystem } from './trainFs';

export const nodeTrainFileSystem: TrainFileSystem = {
  ...nodeResultsFileSystem,
  async listDir(dir) {
    try {
      // Only real folders and files: a symlink planted in `.inoculate/` is not followed into.
      const entries = await readdir(dir, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory() || entry.isFile()).map((entry) => entry.name).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
      throw error;
    }
  },
};
