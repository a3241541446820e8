import type { Aggregation, FeatureValueType, KafkaSource } from '@payments-mlops/contracts';

/** The type of an aggregation's value, from its function and column. */
export function aggregationOutputType(aggregation: Aggregation, source: KafkaSource): FeatureValueType {
  switch (aggregation.function) {
    case 'count':
    case 'distinct_count':
      return 'Int64';
    case 'sum':
      return aggregation.column !== undefined && source.fields[aggregation.column] === 'Int64' ? 'Int64' : 'Float64';
    case 'avg':
    case 'stddev':
    case 'rate':
      return 'Float64';
    case 'distinct_values':
      return 'Array(String)';
    case 'first_time':
    case 'last_time':
      return 'UnixTimestamp';
    case 'last': {
      const type = aggregation.column === undefined ? undefined : source.fields[aggregation.column];
      return type ?? 'String';
    }
  }
}
