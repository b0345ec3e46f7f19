import { createMetrics } from '../subgraphs/kit/metrics';
import { close, listen } from '../subgraphs/kit/http';
import { gatewayOptionsFromEnv } from './config';
import { buildGateway } from './server';

async function main(): Promise<void> {
  const metrics = createMetrics('gateway', { defaultMetrics: true });
  const { server } = await buildGateway({ ...(await gatewayOptionsFromEnv()), metrics });
  const port = await listen(server, Number(process.env.GATEWAY_PORT ?? 4000), process.env.HOST ?? '127.0.0.1');
  console.log(JSON.stringify({ level: 'info', service: 'gateway', msg: 'listening', port }));
  const stop = async () => {
    await close(server);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

void main();
