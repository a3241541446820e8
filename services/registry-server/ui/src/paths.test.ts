import { describe, expect, it } from 'vitest';
import { matchPath, pathOf } from './paths';

describe('matchPath', () => {
  it('reads decoded parameters from a path of the same shape', () => {
    expect(
      matchPath('/models/:name/versions/:version', '/models/fraud%2Fdetector/versions/3'),
    ).toEqual({ name: 'fraud/detector', version: '3' });
  });

  it('does not match a path with more or other segments', () => {
    expect(matchPath('/runs/:id', '/runs/abc/artifacts')).toBeUndefined();
    expect(matchPath('/runs/:id/metrics', '/runs/abc/artifacts')).toBeUndefined();
  });
});

describe('pathOf', () => {
  it('encodes each segment, so a model name with a slash or a space stays one segment', () => {
    expect(pathOf('models', 'fraud detector/v2', 'versions', 3)).toBe(
      '/models/fraud%20detector%2Fv2/versions/3',
    );
  });
});
