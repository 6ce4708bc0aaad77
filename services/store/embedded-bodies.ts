import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Doc, Stored } from './port';

/** Where one document's JSON sits in a bodies file, and its ETag (so a stale write is refused without a read). */
export class DiskBody {
  constructor(
    readonly at: number,
    readonly length: number,
    readonly etag: string,
  ) {}
}

/**
 * The bodies of documents the embedded store keeps out of memory (containers marked
 * `embeddedBodiesOnDisk`: the audit log, written once, read seldom, and most of what the store
 * holds), in a file beside the journal; memory keeps only their place here and their index entries.
 *
 * The file is a cache, not a record: the journal and the snapshot stay the only truth, and the
 * store writes the file afresh from them at every open, so it needs no fsync. It is removed from
 * the folder as soon as it is created and lives only as long as the process holds it open: a crash
 * (even SIGKILL) leaves nothing behind, and no other process can ever see, truncate or remove it.
 */
export class DiskBodies {
  private fd: number | undefined;
  private size = 0;

  /** `dir`: the folder the file is made in (DATA_DIR, whose disk is sized for the data). */
  constructor(private readonly dir: string) {}

  /** Appends one document's JSON text; the file is made on the first put. */
  put(text: string, etag: string): DiskBody {
    if (this.fd === undefined) {
      const file = path.join(this.dir, `bodies.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      this.fd = fs.openSync(file, 'wx+', 0o600);
      fs.unlinkSync(file);
      this.size = 0;
    }
    const bytes = Buffer.from(text, 'utf8');
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.size + written);
    const body = new DiskBody(this.size, bytes.length, etag);
    this.size += bytes.length;
    return body;
  }

  /** The JSON text of a body put since this file was opened. */
  text(body: DiskBody): string {
    if (this.fd === undefined) throw new Error('Embedded store bodies file is not open');
    const bytes = Buffer.allocUnsafe(body.length);
    let read = 0;
    while (read < body.length) {
      const n = fs.readSync(this.fd, bytes, read, body.length - read, body.at + read);
      if (n === 0) throw new Error(`Embedded store bodies file ends before the document at byte ${body.at}`);
      read += n;
    }
    return bytes.toString('utf8');
  }

  /** The document itself, parsed afresh (so the caller owns it). */
  read(body: DiskBody): Stored<Doc> {
    return JSON.parse(this.text(body)) as Stored<Doc>;
  }

  /** Takes over `other`'s file in place of this one (whose bodies are then gone). */
  adopt(other: DiskBodies): void {
    this.close();
    this.fd = other.fd;
    this.size = other.size;
    other.fd = undefined;
    other.size = 0;
  }

  /** Closes the file, and so frees it: its bodies are gone. */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
    this.size = 0;
  }
}
