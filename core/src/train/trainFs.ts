/**
 * The file operations the training core needs: the check engine's `ResultsFileSystem` (appends, atomic writes,
 * streamed reads) plus listing a folder (runs are one folder each). The Node implementation is `nodeTrainFs.ts`.
 */
import type { ResultsFileSystem } from '../check/resultsFs';

export interface TrainFileSystem extends ResultsFileSystem {
  /** Names of the entries of `dir` (not recursive); empty when it does not exist. */
  listDir(dir: string): Promise<string[]>;
}
