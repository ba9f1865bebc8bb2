import type { PoolClient } from 'pg';

/**
 * `COPY (query) TO STDOUT (FORMAT binary)` on a node-postgres client, without a streaming
 * library: the client hands each CopyData message to the active query (`handleCopyData`), and
 * this query keeps their bytes. node-postgres' own binary results (`binary: true`) decode every
 * field as UTF-8 text before handing it over, which mangles raw bytes, and its text results ship
 * bytea as hex (twice the bytes, then decoded): COPY's binary rows are the values' bytes as they are.
 */
class CopyOut {
  readonly text: string;
  readonly parts: Buffer[] = [];
  readonly done: Promise<Buffer[]>;
  #resolve!: (parts: Buffer[]) => void;
  #reject!: (e: unknown) => void;
  #failed = false;

  constructor(text: string) {
    this.text = text;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    // The chunk is a view of the connection's read buffer, which the next socket read reuses.
    this.parts.push(Buffer.from(msg.chunk));
  }

  handleCommandComplete(): void {}

  handleRowDescription(): void {}

  handleDataRow(): void {}

  handleEmptyQuery(): void {}

  handleError(e: unknown): void {
    this.#failed = true;
    this.#reject(e);
  }

  handleReadyForQuery(): void {
    if (!this.#failed) this.#resolve(this.parts);
  }
}

/** The binary COPY's rows: each row's fields (null as undefined), the header and trailer checked. */
export async function copyOutBinary(c: PoolClient, query: string): Promise<(Buffer | undefined)[][]> {
  const copy = new CopyOut(`copy (${query}) to stdout (format binary)`);
  (c as unknown as { query(q: CopyOut): void }).query(copy);
  const data = Buffer.concat(await copy.done);
  const signature = 'PGCOPY\n\xff\r\n\0';
  if (data.toString('latin1', 0, 11) !== signature) throw new Error('binary COPY output without its signature');
  let at = 11 + 4;
  at += 4 + data.readUInt32BE(at);
  const rows: (Buffer | undefined)[][] = [];
  for (;;) {
    const fields = data.readInt16BE(at);
    at += 2;
    if (fields === -1) return rows;
    const row: (Buffer | undefined)[] = [];
    for (let f = 0; f < fields; f++) {
      const len = data.readInt32BE(at);
      at += 4;
      if (len < 0) row.push(undefined);
      else {
        row.push(data.subarray(at, at + len));
        at += len;
      }
    }
    rows.push(row);
  }
}
