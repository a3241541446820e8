import { describe, expect, it } from 'vitest';
import { BoostingInputError } from './errors.js';
import { BoostedModel } from './model.js';
import { binaryData, multiclassData } from './test-support.js';
import { train } from './train.js';

describe('the JSON form of a model', () => {
  it('round-trips through JSON text: the reloaded model predicts identically', () => {
    const data = binaryData({ rows: 2000, seed: 21 });
    const { model } = train(data, { objective: 'binary', numRounds: 20 });
    const reloaded = BoostedModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(Array.from(reloaded.predict(data))).toEqual(Array.from(model.predict(data)));
    expect(reloaded.featureNames).toEqual(model.featureNames);
    expect(reloaded.categoricalFeatures).toEqual([2]);
    expect(reloaded.params).toMatchObject({ objective: 'binary', numRounds: 20, numLeaves: 31 });
  });

  it('round-trips a multiclass model', () => {
    const data = multiclassData(1000);
    const { model } = train(data, { objective: 'multiclass', numRounds: 5 });
    const reloaded = BoostedModel.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(Array.from(reloaded.predictRaw(data))).toEqual(Array.from(model.predictRaw(data)));
  });

  it('refuses JSON that is not a model, naming the field', () => {
    expect(() => BoostedModel.fromJSON({ format: 'something-else' })).toThrow(BoostingInputError);
    expect(() => BoostedModel.fromJSON({ format: 'something-else' })).toThrow(/format/);
  });

  it('refuses a tree whose children point outside it', () => {
    const data = binaryData({ rows: 500, seed: 21 });
    const json = train(data, { objective: 'binary', numRounds: 2 }).model.toJSON();
    json.trees[1]!.leftChild[0] = 99;
    expect(() => BoostedModel.fromJSON(json)).toThrow(/tree 1: node 99 is out of range/);
  });

  it('refuses init scores that do not match the classes', () => {
    const data = binaryData({ rows: 500, seed: 21 });
    const json = train(data, { objective: 'binary', numRounds: 2 }).model.toJSON();
    json.initScores = [0, 0];
    expect(() => BoostedModel.fromJSON(json)).toThrow(/2 init scores for 1 classes/);
  });
});
