import { createMetrics } from '../subgraphs/kit/metrics';
import { close, createLogger, listen } from '../subgraphs/kit/http';
import { gatewayOptionsFromEnv } from './config';
import { buildGateway } from './server';

async function main(): Promise<void> {
  const metrics = createMetrics('gateway', { defaultMetrics: true });
  const logger = createLogger('gateway');
  const options = await gatewayOptionsFromEnv();
  const { server } = await buildGateway({ ...options, metrics, logger });
  const port = await listen(server, Number(process.env.GATEWAY_PORT ?? 4000), process.env.HOST ?? '127.0.0.1');
  logger.info({ port, production: options.production, safelist: options.safelist?.mode, limits: options.limits }, 'listening');
  const stop = async () => {
    await close(server);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // Started by `npm start`: stop when the starter goes away.
  process.once('disconnect', () => void stop());
}

void main();
