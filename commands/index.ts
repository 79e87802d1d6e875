import type { Command } from '../src/core/command.ts';
import { approve, deny } from './approve.ts';
import { audit } from './audit.ts';
import { deploy } from './deploy.ts';
import { history } from './history.ts';
import { rollback } from './rollback.ts';
import { runbook } from './runbook.ts';
import { canI } from './can-i.ts';
import { cancel } from './cancel.ts';
import { confirmRun } from './confirm-run.ts';
import { help } from './help.ts';
import { home } from './home.ts';
import { incident } from './incident.ts';
import { incidents } from './incidents.ts';
import { lock } from './lock.ts';
import { locks } from './locks.ts';
import { status } from './status.ts';
import { unlock } from './unlock.ts';
import { whoami } from './whoami.ts';

/** Every chat command. Help, typo suggestions and the manifest's usage hint come from this list. */
export const commands: readonly Command[] = [
  help,
  deploy,
  rollback,
  cancel,
  confirmRun,
  status,
  history,
  approve,
  deny,
  lock,
  unlock,
  locks,
  canI,
  whoami,
  home,
  audit,
  incident,
  incidents,

  runbook,
];
