/**
 * A value as one word of a command line (see tokenizer.ts): as it is when it has no space and no
 * quotation mark, else in the first pair of quotes whose family it does not use. Null when it uses
 * both families (a form asks for another value). Forms (the runbook and declare modals) build the
 * command line their submission runs with it, so a value reads back exactly as it was entered.
 */
export function commandWord(value: string): string | null {
  if (!/[\s"'“”‘’„‚‛‟＂＇«»‹›「」『』〝〞〟]/.test(value)) return value;
  if (!/["“”‟＂〞〟„]/.test(value)) return `"${value}"`;
  if (!/['‘’‛＇‚]/.test(value)) return `'${value}'`;
  return null;
}
