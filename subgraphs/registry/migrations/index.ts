import { AccessLog1764288000003 } from '../../kit/accessLogTable';
import { AccessLogTree1764288000006 } from '../../kit/accessLog/migration';
import { EventTables1764288000002 } from '../../kit/eventTables';
import { StatisticsBudget1764288000010 } from '../../kit/statistics/budgetMigration';
import { Initial1764288000001 } from './0001-initial';
import { Statistics1764288000004 } from './0004-statistics';
import { CellKeys1764288000007 } from './0007-cell-keys';
import { MoveOut1764288000005 } from './0005-move-out';
import { RegistrationClaims1764288000012 } from './0012-registration-claims';
import { RegistrationKey1764288000013 } from './0013-registration-key';

/** Every migration of the registry database, in order. */
export const migrations = [Initial1764288000001, EventTables1764288000002, AccessLog1764288000003, Statistics1764288000004, MoveOut1764288000005, AccessLogTree1764288000006, CellKeys1764288000007, StatisticsBudget1764288000010, RegistrationClaims1764288000012, RegistrationKey1764288000013];
