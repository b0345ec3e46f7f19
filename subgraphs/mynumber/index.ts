import { runSubgraph } from '../kit/main';
import { buildMyNumberServer, migrations } from './server';

void runSubgraph('mynumber', migrations, buildMyNumberServer);
