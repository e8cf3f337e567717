import pino from 'pino';
import { createKafka } from '@careflow/messaging';
import { openPrivateDatabase } from '../support/relay-rig';
import type { BenchContext, BenchRow } from './bench';
import { billingConsumerBench } from './billing-consumer';

export default async function billingOnly(context: BenchContext): Promise<BenchRow[]> {
  const logger = pino({ level: 'warn' });
  const kafka = createKafka({ brokers: (process.env['KAFKA_BROKERS'] ?? '').split(','), clientId: 'bench-billing', logger, quiet: true });
  const stamp = Date.now().toString(36);
  const database = await openPrivateDatabase(`careflow_bench_billing_${stamp}`);
  try {
    return await billingConsumerBench(context, { kafka, database, stamp, logger });
  } finally {
    await database.close();
  }
}
