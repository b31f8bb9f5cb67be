import type { Evidence } from '../evidence/record.js';
import { cell, paragraph, raw, strong, table, type Block, type Inline } from './blocks.js';
import { STEP_ORDER } from './result-schemas.js';
import { sectionOf } from './sections/index.js';

const MARK: Record<string, string> = { passed: '✅', failed: '❌', skipped: '⏭️' };

/** One step's part of a report; `rank` orders what is dropped first when the report is too long. */
export interface ReportSection {
  step: string;
  status: string;
  heading: Block;
  /** The step's one line, shown on the fold of a folded section. */
  summary: string;
  blocks: Block[];
  /** Shown open (the decision); the others fold into details. */
  open: boolean;
  rank: number;
}

export interface ReportDocument {
  title: string;
  /** The verdict and the steps at a glance: never dropped. */
  headline: Block[];
  sections: ReportSection[];
  /** Files in the evidence folder that are not records, shown so nothing is silently ignored. */
  unreadable: { file: string; reason: string }[];
}

/** Lower ranks are dropped first: the decision stays longest. */
const RANK: Record<string, number> = { 'push-model': 1, 'infer-schema': 1, train: 2, 'validate-data': 3, evaluate: 4, compare: 5, gate: 6 };

function order(step: string): number {
  const index = STEP_ORDER.indexOf(step);
  return index < 0 ? STEP_ORDER.length : index;
}

function verdict(records: readonly Evidence[]): Inline {
  // Nothing ran or nothing was downloaded: no verdict to give, and never a 'passed' for it.
  if (records.length === 0) return [raw('⚠️ '), strong(raw('no evidence'))];
  const failed = records.filter((record) => record.status === 'failed').map((record) => record.step);
  const compare = records.find((record) => record.step === 'compare');
  const decision = compare ? (compare.result as { decision?: string }).decision : undefined;
  const parts: Inline = failed.length ? [raw('❌ '), strong(raw('failed')), raw(': '), failed.join(', ')] : [raw('✅ '), strong(raw('passed'))];
  if (decision) parts.push(raw(' · compare: '), strong(raw(decision)));
  return parts;
}

/** The report of a run's evidence: a verdict, a table of the steps, then a section per step. */
export function buildReport(records: readonly Evidence[], unreadable: EvidenceUnreadable[], title = 'modelci report'): ReportDocument {
  const sorted = [...records].sort((a, b) => order(a.step) - order(b.step) || a.step.localeCompare(b.step));
  const headline: Block[] = [
    { kind: 'heading', level: 2, text: [title] },
    { kind: 'paragraph', text: verdict(sorted) },
  ];
  if (sorted.length) headline.push(table([cell(''), cell('step'), cell('summary')], sorted.map((record) => [cell(MARK[record.status] ?? record.status), [record.step], [record.summary]])));
  else headline.push(paragraph(raw('No evidence found: no modelci step ran before this report, or its evidence was not downloaded.')));
  if (unreadable.length) headline.push(paragraph(raw(`${unreadable.length} file(s) in the evidence folder are not records this modelci reads: `), unreadable.map((entry) => entry.file).join(', ')));
  const sections = sorted.map((record): ReportSection => ({
    step: record.step,
    status: record.status,
    heading: { kind: 'heading', level: 3, text: [raw(`${MARK[record.status] ?? ''} `), record.step] },
    summary: record.summary,
    blocks: sectionOf(record),
    open: record.step === 'compare' || record.step === 'gate',
    rank: RANK[record.step] ?? 0,
  }));
  return { title, headline, sections, unreadable };
}

export type EvidenceUnreadable = { file: string; reason: string };
