import { createMetrics } from '../runtime/metrics';
import { close, listen, processLogger } from '../runtime/http';
import { gatewayOptionsFromEnv, metricsListenerFromEnv } from './config';
import { buildGateway } from './server';

async function main(): Promise<void> {
  const metrics = createMetrics('gateway', { defaultMetrics: true });
  const logger = processLogger('gateway');
  const options = await gatewayOptionsFromEnv();
  const { server, metricsServer } = await buildGateway({ ...options, metrics, logger });
  // Metrics first: once the public port answers /health, both listen.
  const metricsAt = metricsListenerFromEnv();
  const metricsPort = await listen(metricsServer, metricsAt.port, metricsAt.host);
  const port = await listen(server, Number(process.env.GATEWAY_PORT ?? 4000), process.env.HOST ?? '127.0.0.1');
  logger.info(
    { port, metrics: { host: metricsAt.host, port: metricsPort }, sharedLimits: options.limiter !== undefined, sharedKeys: Boolean(process.env.GATEWAY_DATABASE_URL), production: options.production, safelist: options.safelist?.mode, limits: options.limits, transport: options.transport },
    'listening',
  );
  const stop = async () => {
    await Promise.all([close(server), close(metricsServer)]);
    await options.limiter?.close?.();
    await options.apiKeys.close?.();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  // Started by `npm start`: stop when the starter goes away.
  process.once('disconnect', () => void stop());
}

void main();
