import { runSubgraph } from '../kit/main';
import { buildImmigrationServer, migrations } from './server';

void runSubgraph('immigration', migrations, buildImmigrationServer);
