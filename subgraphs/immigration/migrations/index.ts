import { AccessLog1764288000003 } from '../../kit/accessLogTable';
import { AccessLogTree1764288000006 } from '../../kit/accessLog/migration';
import { EventTables1764288000002 } from '../../kit/eventTables';
import { StatisticsBudget1764288000010 } from '../../kit/statistics/budgetMigration';
import { Initial1764288000001 } from './0001-initial';
import { Statistics1764288000004 } from './0004-statistics';
import { CellKeys1764288000007 } from './0007-cell-keys';
import { StayApplications1764288000009 } from './0009-stay-applications';
import { CardExpiry1764288000011 } from './0011-card-expiry';

/** Every migration of the immigration database, in order. */
export const migrations = [Initial1764288000001, EventTables1764288000002, AccessLog1764288000003, Statistics1764288000004, AccessLogTree1764288000006, CellKeys1764288000007, StayApplications1764288000009, StatisticsBudget1764288000010, CardExpiry1764288000011];
