import { z } from 'zod';

/**
 * A runbook's parameters: `params:` maps each name to its type and how people fill it in. The same
 * definitions build the Slack modal, name missing values in the shell, and check `key=value` words
 * (param-values.ts), so what the modal shows is what the server accepts.
 */

/**
 * Words CEL reserves (cel-spec langdef.md, "Syntax"): a name among them cannot be written as
 * `params.<name>` or `steps.<id>` in a `when` expression, so it is refused as a name.
 */
export const CEL_RESERVED_WORDS: ReadonlySet<string> = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

/**
 * A parameter or step id: lowercase letters, digits and underscores, starting with a letter, so it
 * reads the same in `key=value`, in `{{ params.x }}` and in a CEL `when` (`params.x`, `steps.x`).
 */
export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'a name of lowercase letters, digits and underscores, like "replicas"')
  .refine((name) => !CEL_RESERVED_WORDS.has(name), {
    message: 'is a word CEL reserves; choose another name',
  });

const common = {
  description: z
    .string()
    .min(1)
    .max(300)
    .describe('What the value means, shown in the Slack modal and when the value is missing.'),
  required: z
    .boolean()
    .optional()
    .describe('The run is refused without a value (default false). Not with a default.'),
};

/** The longest value a person may type for any parameter: keeps patterns and Slack fields bounded. */
export const PARAM_VALUE_MAX_LENGTH = 200;

const stringParam = z
  .object({
    type: z.literal('string'),
    ...common,
    pattern: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('A regular expression the whole value must match, e.g. "[a-z0-9-]+".'),
    default: z.string().optional(),
  })
  .strict();

const enumParam = z
  .object({
    type: z.literal('enum'),
    ...common,
    values: z
      .array(z.string().min(1).max(75))
      .min(1)
      .max(100)
      .describe('The values people choose from (a Slack static select shows at most 100).'),
    default: z.string().optional(),
  })
  .strict();

const integerParam = z
  .object({
    type: z.literal('integer'),
    ...common,
    min: z.number().int().optional().describe('The smallest value accepted.'),
    max: z.number().int().optional().describe('The largest value accepted.'),
    default: z.number().int().optional(),
  })
  .strict();

const booleanParam = z
  .object({ type: z.literal('boolean'), ...common, default: z.boolean().optional() })
  .strict();

const durationParam = z
  .object({
    type: z.literal('duration'),
    ...common,
    default: z.string().optional().describe('A duration like "30m", "2h" or "1d".'),
  })
  .strict();

const serviceParam = z
  .object({
    type: z.literal('service'),
    ...common,
    default: z.string().optional().describe('A service name or alias from deckhand.yml.'),
  })
  .strict();

const environmentParam = z
  .object({
    type: z.literal('environment'),
    ...common,
    default: z.string().optional().describe('An environment name or alias from deckhand.yml.'),
  })
  .strict();

/** One parameter, told apart by `type`. */
export const paramSchema = z.discriminatedUnion('type', [
  stringParam,
  enumParam,
  integerParam,
  booleanParam,
  durationParam,
  serviceParam,
  environmentParam,
]);

/** `params:` in a runbook: names (see `identifier`) to definitions, in the order people see them. */
export const paramsSchema = z.record(identifier, paramSchema);

export type RunbookParam = z.infer<typeof paramSchema>;
export type ParamType = RunbookParam['type'];
export const PARAM_TYPES = paramSchema.options.map((o) => o.shape.type.value);
