// Scoring throughput: our verdicts per second beside a bare JSON.parse + one ajv check.
import { benchScoring } from '../../src/eval/bench';
import type { Bench } from '../types';

const bench: Bench = {
  name: 'scoring',
  async run({ smoke }) {
    const r = benchScoring(smoke ? 1_000 : 100_000);
    const note = `${r.n} predictions; exact-match share ${(r.exactMatchRate * 100).toFixed(0)}%`;
    return [
      { name: `scoring ${r.n}`, unit: 'predictions/s', ours: r.predictionsPerSecond, anchor: r.anchorPerSecond, anchorName: r.anchorName, better: 'higher', backend: 'node', note },
      { name: `scoring ${r.n} + aggregates and intervals`, unit: 'predictions/s', ours: r.withAggregatesPerSecond, anchor: r.anchorPerSecond, anchorName: r.anchorName, better: 'higher', backend: 'node', note: `${note}; Wilson intervals for rates, 1000 bootstrap resamples for percent means` },
    ];
  },
};
export default bench;
