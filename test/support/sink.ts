import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

export interface Sink {
  stream: Writable;
  /** Ends the stream and waits until every chunk has reached the sink. */
  text: () => Promise<string>;
  /** How often the writer had to wait for 'drain'. */
  drains: () => number;
}

/** Collects what is written; a small highWaterMark makes a writer wait for 'drain'. */
export function sink(highWaterMark = 1024 * 1024): Sink {
  const chunks: string[] = [];
  let drains = 0;
  const stream = new Writable({
    highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      chunks.push(chunk);
      setImmediate(callback);
    },
  });
  stream.on('drain', () => (drains += 1));
  const text = async (): Promise<string> => {
    stream.end();
    await finished(stream);
    return chunks.join('');
  };
  return { stream, text, drains: () => drains };
}
