import { AccessLog1764288000003 } from '../../kit/accessLogTable';
import { AccessLogTree1764288000006 } from '../../kit/accessLog/migration';
import { EventTables1764288000002 } from '../../kit/eventTables';
import { Initial1764288000001 } from './0001-initial';
import { Expiry1764288000008 } from './0008-expiry';

import { RecordedMunicipality1764288000012 } from './0012-recorded-municipality';
/** Every migration of the J-LIS database, in order. */
export const migrations = [Initial1764288000001, EventTables1764288000002, AccessLog1764288000003, AccessLogTree1764288000006, Expiry1764288000008, RecordedMunicipality1764288000012];
