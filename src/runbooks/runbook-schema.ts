import { z } from 'zod';
import { paramsSchema } from './param-schema.ts';
import { defaultStepId } from './step-catalog.ts';
import { stepSchema } from './step-schema.ts';

/**
 * The shape of `runbooks/<id>.yml`. Descriptions become the JSON Schema editors show
 * (`deckhand runbook schema`). What the schema cannot see (references between parts, the config's
 * services, the URL allow-list, `when` expressions) is checked by runbook-checks.ts.
 */
export const runbookSchema = z
  .object({
    id: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'a lowercase name of letters, digits and dashes, like "restart-api"; the file is <id>.yml',
      )
      .describe('The runbook’s name in chat (`/ops runbook run <id>`); the file is runbooks/<id>.yml.'),
    title: z.string().min(1).max(150).describe('One line: what it does.'),
    description: z.string().min(1).max(3000).optional().describe('When to use it, and what to check first.'),
    owner: z
      .string()
      .min(1)
      .max(100)
      .describe('Who maintains it: a team name or a Slack user group id (S…).'),
    permission: z
      .string()
      .regex(/^[a-z*][a-z0-9:*_-]*$/, 'a permission like "runbook:restart-api"')
      .optional()
      .describe('The grant needed to run it (default runbook:<id>); each step is also checked on its own.'),
    params: paramsSchema.default({}).describe('What people fill in: name → type.'),
    steps: z.array(stepSchema).min(1).max(50).describe('What it does, in order.'),
  })
  .strict();

/** A runbook as written in its file (before the cross-checks). */
export type RunbookFile = z.infer<typeof runbookSchema>;

/** The grant a runbook needs: its `permission`, or `runbook:<id>`. */
export function runbookPermission(runbook: RunbookFile): string {
  return runbook.permission ?? `runbook:${runbook.id}`;
}

/** The id each step goes by: its `id`, or `step_<n>`. */
export function stepIds(runbook: Pick<RunbookFile, 'steps'>): string[] {
  return runbook.steps.map((step, i) => step.id ?? defaultStepId(i));
}
