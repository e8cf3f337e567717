import { addDays } from '@careflow/domain';
import { proxyActivities } from '@temporalio/workflow';

export const wellBehaved = (): unknown => [addDays('2026-01-01', 1), proxyActivities];
