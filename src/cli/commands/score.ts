// `lab score`: score a predictions file against a dataset file with the rules of
// src/eval/scoring.ts and print the metrics as JSON (verdicts optionally to a JSONL file).
import { readFileSync, writeFileSync } from 'node:fs';
import { need, num, UsageError, type Command, type Parsed } from '../command';
import { parsePredictionsJsonl, parseRecordsText, verdictLine } from '../../eval/io';
import { scorePredictions } from '../../eval/scoring';

function read(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --${what} ${path}: ${(e as Error).message}`);
  }
}

const score: Command = {
  name: 'score',
  summary: 'score model outputs against a dataset: validity, schema, exact/BFCL match, ThinkJSON metrics (JSON)',
  usage: [
    'npm run lab -- score --data FILE.jsonl --predictions PRED.jsonl [--verdicts OUT.jsonl]',
    '       [--resamples 1000] [--seed 11711] [--missing fail|exclude]',
    '',
    '  --data         records (JSONL, or a JSON array) of kind tool-call or json-output',
    '  --predictions  JSONL lines {"id", "output"} (optional "truncated": true, "error": "…")',
    '  --verdicts     write one JSON line per scored record: {id, noOutput, validJsonStrict, validJson,',
    '                 schemaOk, exactMatch, bfclMatch, fieldMatch, noise, error, path, …}',
    '  --resamples    bootstrap resamples for the 95% intervals of percentage means (default 1000; rates use the Wilson score interval)',
    '  --seed         bootstrap seed (default 11711)',
    '  --missing      a record without a prediction: scored as no_output (fail, default) or left out',
    '',
    'The scoring rules: src/eval/scoring.ts (SCORING_RULES_MARKDOWN).',
  ].join('\n'),
  options: {
    data: { type: 'string' },
    predictions: { type: 'string' },
    verdicts: { type: 'string' },
    resamples: { type: 'string' },
    seed: { type: 'string' },
    missing: { type: 'string' },
  },
  run(args: Parsed) {
    const dataPath = need(args, 'data');
    const predPath = need(args, 'predictions');
    const missing = (args.values.missing as string | undefined) ?? 'fail';
    if (missing !== 'fail' && missing !== 'exclude') throw new UsageError(`--missing must be fail or exclude, got ${missing}`);
    const resamples = num(args, 'resamples', 1000);
    if (!Number.isInteger(resamples) || resamples < 1) throw new UsageError(`--resamples must be a positive integer, got ${resamples}`);
    const seed = num(args, 'seed', 11711);
    const records = parseRecordsText(read(dataPath, 'data'), dataPath);
    const predictions = parsePredictionsJsonl(read(predPath, 'predictions'), predPath);
    const report = scorePredictions(records, predictions, { bootstrap: { resamples, seed }, missing });
    const verdictsPath = args.values.verdicts as string | undefined;
    if (verdictsPath) writeFileSync(verdictsPath, report.verdicts.map((v) => verdictLine(v) + '\n').join(''));
    const { verdicts, ...summary } = report;
    return { data: dataPath, predictions: predPath, ...summary, ...(verdictsPath ? { verdictsFile: verdictsPath, verdictLines: verdicts.length } : {}) };
  },
};

export default score;
