// `lab compare`: two or more evaluation reports side by side. Reads `lab eval --out` reports,
// `lab stress --out` reports (every run in them, or one as FILE#transform) and stored report
// files (`lab eval --store`, `lab run --store DIR` → DIR/evals). Examples pair by id; the first
// run is the baseline. Prints each run's configuration and metrics with 95% intervals, the paired
// difference of every metric with its paired-bootstrap interval, and the per-example flips
// (optionally only those with an error label); --csv writes one row per example.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { compareRuns, filterFlips, type PassCriterion, type RunVerdicts } from '../../eval/compare';
import { comparisonCsv } from '../../eval/csv';
import { parseRecordsText } from '../../eval/io';
import { ERROR_LABELS, type ErrorLabel } from '../../eval/labels';
import { scorePredictions } from '../../eval/scoring';
import { EvalReportError, parseEvalReportFiles, type EvalReportRecord } from '../../eval/store';
import { num, UsageError, type Command, type Parsed } from '../command';

const PASS: readonly PassCriterion[] = ['exactMatch', 'bfclMatch', 'schemaOk', 'validJson', 'validJsonStrict'];

/** Read one positional: FILE or FILE#RUN (a run of a `lab stress` report, by transformation). */
export function readReports(arg: string): EvalReportRecord[] {
  const hash = arg.lastIndexOf('#');
  const file = hash > 0 && !existsSync(arg) ? arg.slice(0, hash) : arg;
  const pick = file === arg ? null : arg.slice(hash + 1);
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  if (statSync(file).isDirectory()) throw new UsageError(`${file} is a folder; give report files (e.g. ${file}/<id>.json)`);
  let runs: EvalReportRecord[];
  try {
    runs = parseEvalReportFiles(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if (e instanceof EvalReportError) throw new UsageError(e.message);
    throw e;
  }
  if (pick === null) return runs;
  const found = runs.filter((r) => r.config.stress?.transform === pick);
  if (found.length === 0) throw new UsageError(`${arg}: no run "${pick}" in ${file} (${runs.map((r) => r.config.stress?.transform ?? r.name).join(', ')})`);
  return found;
}

/** Unique display names: a repeated name gets " (2)", " (3)", … */
function uniqueNames(records: EvalReportRecord[]): string[] {
  const count = new Map<string, number>();
  return records.map((r) => {
    const k = (count.get(r.name) ?? 0) + 1;
    count.set(r.name, k);
    return k === 1 ? r.name : `${r.name} (${k})`;
  });
}

/** Leaves of a JSON value as pointer → JSON text. */
function leaves(v: unknown, at: string, out: Map<string, string>): void {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) leaves(x, `${at}/${k}`, out);
  } else {
    out.set(at, JSON.stringify(v ?? null));
  }
}

/** The configuration fields (JSON Pointers) whose values differ between the runs, with each run's value. */
export function configDifferences(records: readonly EvalReportRecord[]): { field: string; values: unknown[] }[] {
  const maps = records.map((r) => {
    const m = new Map<string, string>();
    leaves(r.config, '', m);
    return m;
  });
  const fields = [...new Set(maps.flatMap((m) => [...m.keys()]))].sort();
  return fields
    .filter((f) => new Set(maps.map((m) => m.get(f) ?? 'null')).size > 1)
    .map((f) => ({ field: f, values: maps.map((m) => JSON.parse(m.get(f) ?? 'null') as unknown) }));
}

/** With --data: score every run's predictions again with today's scorer, on the records of the file. */
function rescore(records: EvalReportRecord[], dataFile: string): { verdicts: RunVerdicts['verdicts'][]; notes: string[] } {
  if (!existsSync(dataFile)) throw new UsageError(`--data ${dataFile}: no such file`);
  const all = parseRecordsText(readFileSync(dataFile, 'utf8'), dataFile);
  const notes: string[] = [];
  const verdicts = records.map((r) => {
    const ids = new Set(r.verdicts.map((v) => v.id));
    const unknown = [...ids].filter((id) => !all.some((x) => x.id === id));
    if (unknown.length) throw new UsageError(`--data ${dataFile}: run "${r.name}" has ${unknown.length} id(s) not in the file, e.g. "${unknown[0]}"`);
    if (r.predictions.length === 0) throw new UsageError(`run "${r.name}" carries no predictions to score again; leave out --data`);
    const recs = all.filter((x) => ids.has(x.id));
    const rep = scorePredictions(recs, r.predictions, { bootstrap: { resamples: 1 } });
    const changed = rep.verdicts.filter((v) => {
      const old = r.verdicts.find((o) => o.id === v.id);
      return !old || old.exactMatch !== v.exactMatch || old.error !== v.error;
    }).length;
    notes.push(`${r.name}: ${rep.verdicts.length} predictions scored again against ${dataFile}; ${changed} verdict(s) differ from the stored ones`);
    return rep.verdicts;
  });
  return { verdicts, notes };
}

const command: Command = {
  name: 'compare',
  summary: 'compare two or more evaluation reports: metrics with intervals, paired differences, per-example flips',
  usage: [
    'npm run lab -- compare REPORT.json REPORT.json [...] [--data FILE.jsonl] [--csv OUT.csv] [--error LABEL]',
    '  REPORT.json        a `lab eval --out` report, a stored report (`--store DIR` files), or a `lab stress --out`',
    '                     report (all its runs, or one as FILE#renaming); the first run is the baseline',
    '  --data FILE.jsonl  score the stored predictions again against these records (today\'s scoring rules)',
    '  --csv OUT.csv      write one row per example: id, tool, each run\'s exactMatch/validJson/schemaOk/error, flips',
    `  --error LABEL      only flips (and CSV rows) where the label is on either side: ${ERROR_LABELS.join('|')}`,
    `  --pass exactMatch  what pass means for flips: ${PASS.join('|')}`,
    '  --resamples 1000   --seed 11711   the (paired) bootstrap',
  ].join('\n'),
  options: {
    data: { type: 'string' },
    csv: { type: 'string' },
    error: { type: 'string' },
    pass: { type: 'string' },
    resamples: { type: 'string' },
    seed: { type: 'string' },
  },
  run(args: Parsed) {
    const records = args.positionals.flatMap(readReports);
    if (records.length < 2) throw new UsageError(`compare needs at least two runs, got ${records.length} (give two or more report files)`);
    const label = args.values.error as string | undefined;
    if (label !== undefined && !(ERROR_LABELS as readonly string[]).includes(label)) throw new UsageError(`--error must be one of ${ERROR_LABELS.join(', ')}, got ${label}`);
    const pass = (args.values.pass ?? 'exactMatch') as PassCriterion;
    if (!PASS.includes(pass)) throw new UsageError(`--pass must be one of ${PASS.join(', ')}, got ${String(pass)}`);
    const names = uniqueNames(records);
    const data = args.values.data as string | undefined;
    const re = data ? rescore(records, data) : null;
    const runs: RunVerdicts[] = records.map((r, i) => ({ name: names[i] as string, verdicts: re ? (re.verdicts[i] as RunVerdicts['verdicts']) : r.verdicts }));
    const cmp = compareRuns(runs, { pass, bootstrap: { resamples: num(args, 'resamples', 1000), seed: num(args, 'seed', 11711) } });
    const csv = args.values.csv as string | undefined;
    if (csv) writeFileSync(csv, comparisonCsv(runs, cmp, label ? { label: label as ErrorLabel } : {}));
    return {
      baseline: cmp.baseline,
      pass: cmp.pass,
      bootstrap: cmp.bootstrap,
      ...(re ? { rescored: re.notes } : {}),
      runs: records.map((r, i) => ({
        name: names[i],
        id: r.id,
        kind: r.kind,
        created: r.created,
        config: r.config,
        n: cmp.runs[i]?.n,
        metrics: Object.fromEntries(Object.entries(cmp.runs[i]?.metrics ?? {}).map(([k, m]) => [k, { value: m.value, ci95: [m.lo, m.hi], n: m.n }])),
      })),
      configDifferences: configDifferences(records),
      comparisons: cmp.comparisons.map((c) => ({
        run: c.name,
        against: cmp.baseline,
        paired: c.paired,
        onlyInBaseline: c.onlyInBaseline.length,
        onlyInRun: c.onlyInRun.length,
        differences: Object.fromEntries(c.differences.map((d) => [d.metric, { baseline: d.baseline, run: d.run, diff: d.diff, ci95: [d.lo, d.hi], n: d.n, excludesZero: d.excludesZero }])),
        counts: c.counts,
        ...(label ? { errorFilter: label } : {}),
        flips: filterFlips(c.flips, label ? { label: label as ErrorLabel } : {}),
      })),
      ...(csv ? { csv } : {}),
    };
  },
};

export default command;
