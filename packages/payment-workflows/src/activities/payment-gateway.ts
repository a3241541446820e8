import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { DeclineType, EntityId, Timestamp } from '@payments-mlops/contracts';
import { z } from 'zod';
import type { ChargeRequest, ChargeResult } from '../payment-types.js';

/** Where charges go: the payments platform's gateway. The workflow only needs this one call. */
export interface PaymentGateway {
  charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeResult>;
}

/** The gateway's answer to POST /charges, checked before the workflow acts on it. */
export const ChargeResultBody = z.discriminatedUnion('status', [
  z.object({ status: z.literal('succeeded'), payment_id: EntityId, processor_reference: z.string().min(1) }),
  z.object({ status: z.literal('declined'), payment_id: EntityId, decline_code: z.string().min(1), decline_type: DeclineType.nullish(), failed_at: Timestamp }),
]);

/**
 * POST {baseUrl}/charges with the attempt as JSON and an Idempotency-Key header: the gateway
 * answers a resent attempt with the first answer, so an activity retried after a lost reply never
 * charges twice.
 */
export class HttpPaymentGateway implements PaymentGateway {
  private readonly baseUrl: string;
  constructor(private readonly options: { baseUrl: string; timeoutMs?: number; fetch?: typeof fetch }) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  async charge(request: ChargeRequest, signal?: AbortSignal): Promise<ChargeResult> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 10_000);
    const response = await (this.options.fetch ?? fetch)(`${this.baseUrl}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': request.idempotency_key },
      body: JSON.stringify(request),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.text();
    if (response.status >= 400 && response.status < 500) {
      throw ApplicationFailure.nonRetryable(`gateway rejected charge ${request.payment_id}: ${response.status} ${text.slice(0, 300)}`, 'ChargeRejected');
    }
    if (!response.ok) throw new Error(`gateway answered ${response.status} for charge ${request.payment_id}: ${text.slice(0, 300)}`);
    const parsed = ChargeResultBody.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw ApplicationFailure.nonRetryable(`gateway answer for ${request.payment_id} is malformed at ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`, 'ChargeAnswerMalformed');
    }
    return parsed.data;
  }
}

export function createGatewayActivities(gateway: PaymentGateway) {
  return {
    chargePayment: (request: ChargeRequest) => gateway.charge(request, Context.current().cancellationSignal),
  };
}

export type GatewayActivities = ReturnType<typeof createGatewayActivities>;
