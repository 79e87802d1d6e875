import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.ts';
import * as operations from './0002-operations.ts';
import * as leases from './0003-operation-leases.ts';
import * as eventLog from './0004-event-log.ts';
import * as oneChange from './0005-one-change-per-target.ts';
import * as superseded from './0006-superseded-is-final.ts';
import * as deadlines from './0007-step-deadlines.ts';
import * as slackResponses from './0008-slack-responses.ts';
import * as incidents from './0009-incidents.ts';
import * as runbookRuns from './0010-runbook-runs.ts';
import * as incidentWork from './0011-incident-work.ts';
import * as webUi from './0012-web-ui.ts';
import * as doraRecords from './0013-dora-records.ts';
import * as scheduledRuns from './0014-scheduled-runs.ts';
import * as appHome from './0015-app-home.ts';
import * as incidentEnvironment from './0016-incident-environment.ts';

/**
 * Migrations are listed in code rather than read from a folder, so they work the same from source,
 * from a build, and inside a bundle. Add each new version here; names sort in the order they run.
 */
const migrations: Readonly<Record<string, Migration>> = {
  '0001-initial': initial,
  '0002-operations': operations,
  '0003-operation-leases': leases,
  '0004-event-log': eventLog,
  '0005-one-change-per-target': oneChange,
  '0006-superseded-is-final': superseded,
  '0007-step-deadlines': deadlines,
  '0008-slack-responses': slackResponses,
  '0009-incidents': incidents,
  '0010-runbook-runs': runbookRuns,
  '0011-incident-work': incidentWork,
  '0012-web-ui': webUi,
  '0013-dora-records': doraRecords,
  '0014-scheduled-runs': scheduledRuns,
  '0015-app-home': appHome,
  '0016-incident-environment': incidentEnvironment,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...migrations }),
};
