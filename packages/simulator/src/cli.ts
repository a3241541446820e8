/**
 * The payment simulator's command line (make seed-data, make stream-payments):
 *   seed   writes a simulated history into the warehouse through COPY and refreshes the marts;
 *   stream publishes live payments and their labels to Kafka at a given rate.
 * Impossible parameters are refused with the reason and exit status 2.
 */
import { TOPICS } from '@payments-mlops/contracts';
import { ConfigError, createPgPool, loadConfig } from '@payments-mlops/service-kit';
import { migrateWarehouse } from '@payments-mlops/warehouse';
import { Kafka, logLevel } from 'kafkajs';
import { parseCommand, USAGE, UsageError, type Command } from './cli-args.js';
import { SimulatorConfig } from './config.js';
import { streamToKafka } from './kafka-stream.js';
import { workerSource } from './record-source.js';
import { seedWarehouse } from './seed-warehouse.js';
import { PaymentSimulation } from './simulation.js';

const integer = (n: number): string => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function seed(command: Extract<Command, { command: 'seed' }>, config: SimulatorConfig): Promise<void> {
  const pool = createPgPool(config.WAREHOUSE_DATABASE_URL, { applicationName: 'simulator-seed', max: 2 });
  try {
    await migrateWarehouse(pool);
    const simulation = new PaymentSimulation(command.simulation);
    const result = await seedWarehouse({ pool, simulation, refresh: command.refresh });
    const labels = Object.values(result.labels).reduce((sum, n) => sum + n, 0);
    console.log(
      `seeded ${integer(result.paymentEvents)} payment events, ${integer(labels)} labels ` +
        `(fraud ${integer(result.labels.fraud)}, retry ${integer(result.labels.retry_outcome)}, ` +
        `churn ${integer(result.labels.churn)}, recovery ${integer(result.labels.recovery_outcome)}), ` +
        `${integer(result.customers)} customers, ${integer(result.merchants)} merchants, ${integer(result.subscriptions)} subscriptions`,
    );
    console.log(`simulated ${command.simulation.days} days from ${new Date(command.simulation.startMs).toISOString()}; data as of ${result.asOf.toISOString()}`);
    for (const { mart, durationMs } of result.marts) console.log(`refreshed ${mart} in ${seconds(durationMs)}`);
    const { martsMs } = result;
    console.log(
      `generated and copied in ${seconds(result.loadMs)} (indexes rebuilt in ${seconds(result.indexMs)} of it): ` +
        `${integer((result.paymentEvents * 1000) / result.loadMs)} events/s ` +
        `(analyze ${seconds(result.analyzeMs)}, marts ${seconds(martsMs)}, total ${seconds(result.loadMs + result.analyzeMs + martsMs)})`,
    );
  } finally {
    await pool.end();
  }
}

async function stream(command: Extract<Command, { command: 'stream' }>, config: SimulatorConfig): Promise<void> {
  const kafka = new Kafka({ clientId: 'payments-simulator', brokers: config.KAFKA_BROKERS, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The platform's topics, created as infra/local does when someone streams to another cluster.
    const existing = new Set(await admin.listTopics());
    const missing = [TOPICS.paymentsNormalized, TOPICS.paymentLabels].filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    }
  } finally {
    await admin.disconnect();
  }
  // Generation runs on a worker thread; this one drives the Kafka client.
  const source = workerSource(command.simulation);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  console.log(`streaming at ${integer(command.ratePerSecond)} payment events/s from ${new Date(command.simulation.startMs).toISOString()} (simulated time); Ctrl-C stops`);
  try {
    const result = await streamToKafka({
      kafka,
      source,
      ratePerSecond: command.ratePerSecond,
      durationMs: command.durationMs,
      maxPayments: command.maxPayments,
      signal: stop.signal,
    });
    console.log(
      `published ${integer(result.payments)} payment events and ${integer(result.labels)} labels in ${seconds(result.elapsedMs)}: ` +
        `${integer(result.paymentsPerSecond)} events/s achieved (target ${integer(command.ratePerSecond)}); ` +
        `simulated ${result.simulatedFrom.toISOString()} → ${result.simulatedTo.toISOString()}`,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await source.close();
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const command = parseCommand(argv);
  const config = loadConfig(SimulatorConfig);
  if (command.command === 'seed') await seed(command, config);
  else await stream(command, config);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message.split('\n').join('\nerror: ')}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
