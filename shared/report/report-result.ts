import { z } from 'zod';
import { STICKY_MODES } from './sticky.js';

/** The report step's result. */
export const reportResult = z.strictObject({
  records: z.array(z.strictObject({ step: z.string(), status: z.string(), file: z.string() })).describe('The evidence the report shows.'),
  unreadable: z.array(z.strictObject({ file: z.string(), reason: z.string() })),
  markdown: z.string().describe('The report as markdown (the job summary), relative to the working directory.'),
  html: z.string().describe('The self-contained HTML report.'),
  comment: z
    .strictObject({
      where: z.string().nullable().describe('`pull request #7`, `merge request !7`, or null without one.'),
      mode: z.enum(STICKY_MODES),
      applied: z.enum(['created', 'updated', 'unchanged', 'recreated', 'deleted', 'skipped', 'none']),
      id: z.number().int().nullable(),
      url: z.string().nullable(),
      previousId: z.number().int().nullable(),
      reason: z.string().nullable().describe('Why nothing was written, when nothing was.'),
      truncated: z.boolean(),
      cuts: z.array(z.string()).describe('What was left out of the comment to fit its limit.'),
      bytes: z.number().int().min(0),
    }),
});

export type ReportData = z.output<typeof reportResult>;
