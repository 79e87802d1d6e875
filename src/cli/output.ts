/** Where CLI subcommands write, injected so tests can read it. */
export interface Output {
  log(line: string): void;
  err(line: string): void;
  stdout: NodeJS.WritableStream;
}

export const processOutput: Output = {
  log: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdout: process.stdout,
};
