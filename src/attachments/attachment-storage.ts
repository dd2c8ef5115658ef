import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { createHash, randomUUID } from 'node:crypto';
import { BigIntStats, createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, statfs, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppConfig } from '../config/app-config';

/**
 * Where evidence content lives, addressed by its SHA-256, so the same content is stored once.
 * The service speaks only to this interface: an S3-compatible object store is another implementation.
 */
export abstract class AttachmentStorage {
  /** A local directory for files being received, before their hash is known. */
  abstract readonly scratchDirectory: string;
  /** Takes the received file at `scratchPath` as the content of `sha256`; if that content is already stored, the file is dropped. */
  abstract store(sha256: string, scratchPath: string): Promise<void>;
  /** The content, or null if none is stored under `sha256`. */
  abstract open(sha256: string): Promise<Readable | null>;
  /** Removes content last stored before `storedBefore`, and its thumbnail; content stored again since is kept. */
  abstract remove(sha256: string, storedBefore: Date): Promise<void>;
  /** The thumbnail made of the content of `sha256`, or null if none has been kept. */
  abstract thumbnail(sha256: string): Promise<Buffer | null>;
  /** Keeps `jpeg` as the thumbnail of the content of `sha256`, beside it. */
  abstract storeThumbnail(sha256: string, jpeg: Buffer): Promise<void>;
  /** Bytes free for new content. */
  abstract freeBytes(): Promise<number>;
  /**
   * Like `currentHash`, but recomputed only when the content may have changed since it was last
   * hashed or stored; for pages read often (the case file). `currentHash` always recomputes.
   */
  abstract checkedHash(sha256: string): Promise<string | null>;

  /** The SHA-256 of what is stored under `sha256` now, recomputed; null if nothing is. */
  async currentHash(sha256: string): Promise<string | null> {
    const content = await this.open(sha256);
    if (!content) return null;
    const hash = createHash('sha256');
    for await (const chunk of content) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}

/** How many files' checks are remembered (about 150 bytes each). */
const CHECKED_FILES = 100_000;

/** What changes whenever a file's content is written: its inode, size, modification and change times (to the nanosecond). */
const fingerprint = (stats: BigIntStats) => `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;

/** Files on a local disk, under ATTACHMENTS_DIR/ab/cd/abcd…, each thumbnail beside its file as abcd….thumbnail.jpg. */
@Injectable()
export class DiskAttachmentStorage extends AttachmentStorage {
  readonly scratchDirectory: string;
  private readonly root: string;
  /**
   * The fingerprint of each file as it was when its content was last found to match its name. No
   * process can write a file without changing its change time (not even by setting the other times
   * back), so a file whose fingerprint is unchanged still holds that content.
   */
  private readonly checked = new LRUCache<string, string>({ max: CHECKED_FILES });

  constructor(config: AppConfig) {
    super();
    this.root = config.ATTACHMENTS_DIR;
    this.scratchDirectory = join(this.root, 'incoming');
  }

  async store(sha256: string, scratchPath: string): Promise<void> {
    const path = this.pathOf(sha256);
    const now = new Date();
    try {
      // Stored already: mark it as wanted again, so a clean-up that began before cannot remove it.
      await utimes(path, now, now);
      await rm(scratchPath, { force: true });
    } catch {
      await mkdir(join(path, '..'), { recursive: true });
      await rename(scratchPath, path);
      // Its hash was computed as it was received.
      this.checked.set(sha256, fingerprint(await stat(path, { bigint: true })));
    }
  }

  async open(sha256: string): Promise<Readable | null> {
    const path = this.pathOf(sha256);
    try {
      await stat(path);
    } catch {
      return null;
    }
    return createReadStream(path);
  }

  async remove(sha256: string, storedBefore: Date): Promise<void> {
    const path = this.pathOf(sha256);
    const stored = await stat(path).catch(() => null);
    if (stored && stored.mtime < storedBefore) {
      await rm(path, { force: true });
      await rm(this.thumbnailPathOf(sha256), { force: true });
      this.checked.delete(sha256);
    }
  }

  async thumbnail(sha256: string): Promise<Buffer | null> {
    return readFile(this.thumbnailPathOf(sha256)).catch(() => null);
  }

  async storeThumbnail(sha256: string, jpeg: Buffer): Promise<void> {
    // Written aside, then renamed: a reader meanwhile finds the whole thumbnail or none.
    const path = this.thumbnailPathOf(sha256);
    const partial = `${path}.${randomUUID()}`;
    await writeFile(partial, jpeg);
    await rename(partial, path);
  }

  async freeBytes(): Promise<number> {
    await mkdir(this.root, { recursive: true });
    const disk = await statfs(this.root);
    return disk.bavail * disk.bsize;
  }

  async checkedHash(sha256: string): Promise<string | null> {
    const stats = await stat(this.pathOf(sha256), { bigint: true }).catch(() => null);
    if (!stats) return null;
    if (this.checked.get(sha256) === fingerprint(stats)) return sha256;
    const hash = await this.currentHash(sha256);
    // Remembered as it was before reading: a write during the read leaves it to be hashed again.
    if (hash === sha256) this.checked.set(sha256, fingerprint(stats));
    return hash;
  }

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private thumbnailPathOf(sha256: string): string {
    return `${this.pathOf(sha256)}.thumbnail.jpg`;
  }
}
