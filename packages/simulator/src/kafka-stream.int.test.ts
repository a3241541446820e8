import { LabelEvent, PaymentEvent } from '@payments-mlops/contracts';
import { createTopic, deleteTopic, readTopic, test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { streamToKafka } from './kafka-stream.js';
import { PaymentSimulation } from './simulation.js';

const OPTIONS = { seed: 5, startMs: Date.UTC(2026, 0, 1), days: 30, customers: 300 };

describe('streamToKafka', () => {
  test('publishes payments keyed by customer and the labels due in between, as the simulation made them', async ({ kafka, kafkaCluster }) => {
    const labelsTopic = `${kafka.topic}-labels`;
    await createTopic(kafkaCluster.admin, labelsTopic);
    try {
      const result = await streamToKafka({
        kafka: kafka.kafka,
        source: new PaymentSimulation(OPTIONS),
        ratePerSecond: 20_000,
        maxPayments: 1_500,
        topics: { payments: kafka.topic, labels: labelsTopic },
      });
      expect(result.payments).toBe(1_500);

      // The same simulation, up to its 1,500th payment.
      const expected = [];
      const simulation = new PaymentSimulation(OPTIONS);
      for (let payments = 0; payments < 1_500; ) {
        const record = simulation.next()!;
        expected.push(record);
        if (record.kind === 'payment') payments++;
      }
      const expectedPayments = expected.flatMap((r) => (r.kind === 'payment' ? [r] : []));
      const expectedLabels = expected.flatMap((r) => (r.kind === 'label' ? [r] : []));
      expect(result.labels).toBe(expectedLabels.length);
      expect(result.labels).toBeGreaterThan(0);

      const payments = await readTopic(kafka.kafka, kafka.topic, { count: 1_500 });
      const labels = await readTopic(kafka.kafka, labelsTopic, { count: result.labels });
      const parsedPayments = payments.map((m) => ({ key: m.key?.toString(), event: PaymentEvent.parse(JSON.parse(m.value!.toString())) }));
      const parsedLabels = labels.map((m) => ({ key: m.key?.toString(), event: LabelEvent.parse(JSON.parse(m.value!.toString())) }));
      // One partition: the topic holds the simulation's order.
      expect(parsedPayments.map((p) => p.event)).toEqual(expectedPayments.map((r) => r.event));
      expect(parsedPayments.every((p) => p.key === p.event.customer_id)).toBe(true);
      expect(parsedLabels.map((l) => l.event)).toEqual(expectedLabels.map((r) => r.event));
      expect(parsedLabels.map((l) => l.key)).toEqual(expectedLabels.map((r) => r.customerId));
    } finally {
      await deleteTopic(kafkaCluster.admin, labelsTopic);
    }
  });

  test('holds the requested rate and stops at the duration', async ({ kafka }) => {
    const result = await streamToKafka({
      kafka: kafka.kafka,
      source: new PaymentSimulation(OPTIONS),
      ratePerSecond: 500,
      durationMs: 1_000,
      topics: { payments: kafka.topic, labels: kafka.topic },
    });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(1_000);
    expect(result.payments).toBeGreaterThan(400);
    expect(result.payments).toBeLessThanOrEqual(500);
  });
});
