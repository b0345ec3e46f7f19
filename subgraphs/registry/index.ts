import { runSubgraph } from '../kit/main';
import { buildRegistryServer, migrations } from './server';

void runSubgraph('registry', migrations, buildRegistryServer);
