import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Redactor } from '../text/redact.js';

/** Off GitHub the job summary is a markdown file in the out dir, redacted like the logs. */
export async function appendSummaryFile(file: string, markdown: string, redactor: Redactor): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, `${redactor.redact(markdown)}\n\n`);
}
