import { describe, expect, it } from 'vitest';
import { kindOf, parseDelimited, tablePlot } from './artifact-preview';

describe('artifact previews', () => {
  it('previews by file name: images, JSON, tables, MLmodel and logs as text, the rest as binary', () => {
    expect(kindOf('plots/roc.PNG')).toBe('image');
    expect(kindOf('metrics.json')).toBe('json');
    expect(kindOf('roc_curve.csv')).toBe('table');
    expect(kindOf('model/MLmodel')).toBe('text');
    expect(kindOf('train.log')).toBe('text');
    expect(kindOf('model/model.onnx')).toBe('binary');
  });

  it('plots the numeric columns of a table against its first column, sorted', () => {
    const plot = tablePlot(parseDelimited('fpr,tpr,label\n0.5,0.9,b\n0,0,a\n1,1,c\n', ','));
    expect(plot).toEqual({
      data: [
        [0, 0.5, 1],
        [0, 0.9, 1],
      ],
      labels: ['tpr'],
      xLabel: 'fpr',
    });
  });

  it('does not plot a table whose first column is not numeric', () => {
    expect(tablePlot(parseDelimited('name,value\nauc,0.9\nloss,0.2\n', ','))).toBeUndefined();
  });
});
