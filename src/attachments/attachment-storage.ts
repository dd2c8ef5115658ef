import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, utimes } from 'node:fs/promises';
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
  /** Removes content last stored before `storedBefore`; content stored again since is kept. */
  abstract remove(sha256: string, storedBefore: Date): Promise<void>;

  /** The SHA-256 of what is stored under `sha256` now, recomputed; null if nothing is. */
  async currentHash(sha256: string): Promise<string | null> {
    const content = await this.open(sha256);
    if (!content) return null;
    const hash = createHash('sha256');
    for await (const chunk of content) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}

/** Files on a local disk, under ATTACHMENTS_DIR/ab/cd/abcd… */
@Injectable()
export class DiskAttachmentStorage extends AttachmentStorage {
  readonly scratchDirectory: string;
  private readonly root: string;

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
    if (stored && stored.mtime < storedBefore) await rm(path, { force: true });
  }

  private pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}
