import type { GetMetricSeriesResponse } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { chartData } from './metric-chart';

const response: GetMetricSeriesResponse = {
  metric_key: 'loss',
  max_points: 2000,
  method: 'min-max',
  series: [
    {
      run_id: 'a',
      total_points: 3,
      downsampled: false,
      steps: [0, 1, 2],
      timestamps: [1000, 2000, 3000],
      values: [3, 'NaN', 1],
    },
    {
      run_id: 'b',
      total_points: 5000,
      downsampled: true,
      steps: [0, 2, 4],
      timestamps: [5000, 7000, 9000],
      values: [6, 5, 4],
    },
    { run_id: 'c', total_points: 0, downsampled: false, steps: [], timestamps: [], values: [] },
  ],
};
const runs = [
  { runId: 'a', label: 'baseline', startTime: 0 },
  { runId: 'b', label: 'deeper', startTime: 5000 },
  { runId: 'c', label: 'empty' },
];

describe('chartData', () => {
  it('joins runs on their steps, with NaN as a gap and a run without values named as missing', () => {
    const chart = chartData(response, runs, 'step');
    expect(chart.data[0]).toEqual([0, 1, 2, 4]);
    expect(chart.data[1]).toEqual([3, null, 1, undefined]);
    expect(chart.data[2]).toEqual([6, undefined, 5, 4]);
    expect(chart.series.map((series) => series.label)).toEqual(['baseline', 'deeper']);
    expect(chart.missing).toEqual(['empty']);
    expect(chart).toMatchObject({
      shownPoints: 6,
      totalPoints: 5003,
      downsampled: true,
      allPositive: true,
    });
  });

  it("puts time since each run's start on the x axis, in seconds", () => {
    const chart = chartData(response, runs, 'relative');
    expect(chart.data[0]).toEqual([0, 1, 2, 3, 4]);
    expect(chart.data[1]).toEqual([undefined, 3, null, 1, undefined]);
    expect(chart.data[2]).toEqual([6, undefined, 5, undefined, 4]);
  });
});
