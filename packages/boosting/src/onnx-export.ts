import onnxProto from 'onnx-proto';
import { BoostingInputError } from './errors.js';
import type { BoostedModel } from './model.js';
import type { Tree } from './tree.js';

const { onnx } = onnxProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;

export interface OnnxExportOptions {
  /** Names of the input columns, in order; default the model's feature names. */
  readonly featureNames?: readonly string[];
  /** The registry's version of the model. */
  readonly version: string;
  /** Digest of the training data and configuration, for lineage. */
  readonly digest: string;
}

/** The ONNX graph's input and output names. */
export const ONNX_INPUT = 'features';
export const ONNX_PROBABILITIES = 'probabilities';
export const ONNX_LABEL = 'label';
export const ONNX_REGRESSION_OUTPUT = 'variable';

/** Flat ai.onnx.ml node attributes of every tree, in the order ONNX wants them. */
class TreeNodes {
  readonly treeIds: number[] = [];
  readonly nodeIds: number[] = [];
  readonly featureIds: number[] = [];
  readonly modes: string[] = [];
  readonly values: number[] = [];
  readonly trueIds: number[] = [];
  readonly falseIds: number[] = [];
  readonly missingTracksTrue: number[] = [];
  readonly leafTreeIds: number[] = [];
  readonly leafNodeIds: number[] = [];
  readonly leafClassIds: number[] = [];
  readonly leafWeights: number[] = [];

  private add(treeId: number, nodeId: number, mode: string, feature: number, value: number, missingTrue: boolean): number {
    this.treeIds.push(treeId);
    this.nodeIds.push(nodeId);
    this.featureIds.push(feature);
    this.modes.push(mode);
    this.values.push(value);
    this.trueIds.push(0);
    this.falseIds.push(0);
    this.missingTracksTrue.push(missingTrue ? 1 : 0);
    return this.treeIds.length - 1;
  }

  private link(index: number, trueId: number, falseId: number): void {
    this.trueIds[index] = trueId;
    this.falseIds[index] = falseId;
  }

  /**
   * Emits one tree. A numeric split is one BRANCH_LEQ node (true = left; NaN follows
   * missing_value_tracks_true). A categorical split "x ∈ {c₁..cₙ}" becomes a chain of BRANCH_EQ
   * nodes whose true branches all lead to the left subtree and whose last false branch leads
   * right; NaN is routed by the first node of the chain (a BRANCH_LT against −∞ when NaN is the
   * only thing going left). Node ids are given in pre-order, so a tree's root is its first node.
   */
  addTree(tree: Tree, treeId: number, classId: number): void {
    let nextId = 0;
    const emit = (child: number): number => {
      if (child < 0) {
        const id = nextId++;
        this.add(treeId, id, 'LEAF', 0, 0, false);
        this.leafTreeIds.push(treeId);
        this.leafNodeIds.push(id);
        this.leafClassIds.push(classId);
        this.leafWeights.push(tree.leafValue[~child]!);
        return id;
      }
      const feature = tree.splitFeature[child]!;
      const nanLeft = tree.defaultLeft[child] === 1;
      const categories = tree.categories[child];
      if (categories === null || categories === undefined) {
        const id = nextId++;
        const index = this.add(treeId, id, 'BRANCH_LEQ', feature, tree.threshold[child]!, nanLeft);
        const trueId = emit(tree.leftChild[child]!);
        const falseId = emit(tree.rightChild[child]!);
        this.link(index, trueId, falseId);
        return id;
      }
      // The chain is added before the subtrees: onnxruntime takes a tree's first node as its root.
      const chain =
        categories.length === 0
          ? [this.add(treeId, nextId++, 'BRANCH_LT', feature, -Infinity, nanLeft)]
          : Array.from(categories, (category, i) =>
              this.add(treeId, nextId++, 'BRANCH_EQ', feature, category, i === 0 && nanLeft),
            );
      const leftId = emit(tree.leftChild[child]!);
      const rightId = emit(tree.rightChild[child]!);
      chain.forEach((index, i) => {
        const next = chain[i + 1];
        this.link(index, leftId, next === undefined ? rightId : this.nodeIds[next]!);
      });
      return this.nodeIds[chain[0]!]!;
    };
    emit(tree.numLeaves === 1 ? ~0 : 0);
  }
}

const ints = (name: string, values: readonly number[]): IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: [...values],
});
const floats = (name: string, values: readonly number[]): IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.FLOATS,
  floats: [...values],
});
const strings = (name: string, values: readonly string[]): IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRINGS,
  strings: values.map((v) => new TextEncoder().encode(v)),
});
const string = (name: string, value: string): IAttributeProto => ({
  name,
  type: onnx.AttributeProto.AttributeType.STRING,
  s: new TextEncoder().encode(value),
});

function tensorInfo(name: string, elemType: number, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/**
 * The model as ONNX for onnxruntime: a TreeEnsembleClassifier (binary, multiclass) or
 * TreeEnsembleRegressor in domain ai.onnx.ml opset 3, with opset 17 of the default domain, one
 * float32 input `features` [N, numFeatures]. Classifiers output `label` and `probabilities`
 * [N, classes] (no ZipMap: onnxruntime-node cannot return maps). Thresholds, leaf values and base
 * values are the model's own float32 values, so onnxruntime computes what `model.predict` does.
 */
export function toOnnx(model: BoostedModel, options: OnnxExportOptions): Uint8Array {
  const featureNames = options.featureNames ?? model.featureNames;
  if (featureNames.length !== model.numFeatures) {
    throw new BoostingInputError(`${featureNames.length} feature names for a model of ${model.numFeatures} features`);
  }
  const nodes = new TreeNodes();
  model.trees.forEach((tree, t) => nodes.addTree(tree, t, t % model.numClass));
  const nodeAttributes = [
    ints('nodes_treeids', nodes.treeIds),
    ints('nodes_nodeids', nodes.nodeIds),
    ints('nodes_featureids', nodes.featureIds),
    strings('nodes_modes', nodes.modes),
    floats('nodes_values', nodes.values),
    ints('nodes_truenodeids', nodes.trueIds),
    ints('nodes_falsenodeids', nodes.falseIds),
    ints('nodes_missing_value_tracks_true', nodes.missingTracksTrue),
  ];
  const batch = 'N';
  const input = tensorInfo(ONNX_INPUT, onnx.TensorProto.DataType.FLOAT, [batch, model.numFeatures]);
  let node: onnxProto.onnx.INodeProto;
  let outputs: onnxProto.onnx.IValueInfoProto[];
  if (model.objective === 'regression') {
    node = {
      name: 'boosted_trees',
      opType: 'TreeEnsembleRegressor',
      domain: 'ai.onnx.ml',
      input: [ONNX_INPUT],
      output: [ONNX_REGRESSION_OUTPUT],
      attribute: [
        ...nodeAttributes,
        ints('target_treeids', nodes.leafTreeIds),
        ints('target_nodeids', nodes.leafNodeIds),
        ints('target_ids', nodes.leafClassIds),
        floats('target_weights', nodes.leafWeights),
        { name: 'n_targets', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
        floats('base_values', Array.from(model.initScores)),
        string('post_transform', 'NONE'),
      ],
    };
    outputs = [tensorInfo(ONNX_REGRESSION_OUTPUT, onnx.TensorProto.DataType.FLOAT, [batch, 1])];
  } else {
    const classes = model.objective === 'binary' ? 2 : model.numClass;
    node = {
      name: 'boosted_trees',
      opType: 'TreeEnsembleClassifier',
      domain: 'ai.onnx.ml',
      input: [ONNX_INPUT],
      output: [ONNX_LABEL, ONNX_PROBABILITIES],
      attribute: [
        ...nodeAttributes,
        ints('class_treeids', nodes.leafTreeIds),
        ints('class_nodeids', nodes.leafNodeIds),
        ints('class_ids', nodes.leafClassIds),
        floats('class_weights', nodes.leafWeights),
        ints('classlabels_int64s', Array.from({ length: classes }, (_, c) => c)),
        floats('base_values', Array.from(model.initScores)),
        string('post_transform', model.objective === 'binary' ? 'LOGISTIC' : 'SOFTMAX'),
      ],
    };
    outputs = [
      tensorInfo(ONNX_LABEL, onnx.TensorProto.DataType.INT64, [batch]),
      tensorInfo(ONNX_PROBABILITIES, onnx.TensorProto.DataType.FLOAT, [batch, classes]),
    ];
  }
  const metadata: Record<string, string> = {
    feature_names: JSON.stringify(featureNames),
    categorical_features: JSON.stringify(model.categoricalFeatures),
    model_version: options.version,
    training_digest: options.digest,
    objective: model.objective,
    num_class: String(model.numClass),
    num_trees: String(model.trees.length),
  };
  const message = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'payments-mlops-boosting',
    producerVersion: '1',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: { name: 'boosted_trees', node: [node], input: [input], output: outputs },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(message).finish();
}
