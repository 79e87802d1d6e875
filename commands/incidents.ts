import { z } from 'zod';
import { defineCommand } from '../src/core/command.ts';
import { incidentList } from '../src/incidents/incident-list.ts';

/** `incidents`: the open incidents, oldest first (the same list as `incident list`). Anyone may ask. */
export const incidents = defineCommand({
  name: 'incidents',
  summary: 'List the open incidents',
  usage: 'incidents',
  examples: ['incidents'],
  grammar: { slots: [] },
  args: z.object({}),
  run: (ctx) => incidentList(ctx, undefined),
});
