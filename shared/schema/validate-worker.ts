// Worker thread entry for validate-data's cell checks (see cell-pool.ts). scripts/build.mjs
// bundles it as dist/validate-worker/index.js.
import { parentPort, workerData } from 'node:worker_threads';
import { chunkBuffers, plainChunk, receivedChunk, type CsvChunk } from '../data/csv-chunk.js';
import type { CellWorkerData } from './cell-pool.js';
import { parseSchema } from './load.js';
import { createCellChecker, type CellResult } from './validate.js';
import { ModelciError } from '../errors.js';

const data = workerData as CellWorkerData;
const check = createCellChecker(data.header, data.headerLine, parseSchema(data.file, data.text));
parentPort!.on('message', (message: { chunk: Omit<CsvChunk, 'buf'> & { buf: Uint8Array }; firstRowNumber: number }) => {
  const chunk = receivedChunk(message.chunk);
  let result: CellResult;
  try {
    result = check(chunk, message.firstRowNumber);
  } catch (error) {
    if (!(error instanceof ModelciError)) throw error;
    const { kind, message: text, code, hint, location } = error;
    parentPort!.postMessage({ failure: { kind, message: text, options: { code, ...(hint ? { hint } : {}), ...(location ? { location } : {}) } } });
    return;
  }
  result.chunk = plainChunk(result.chunk!);
  parentPort!.postMessage(result, chunkBuffers(result.chunk));
});
