import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiException, InvalidInputException } from '../common/api-error';

/** A file received into scratch space, hashed on the way in; the caller stores or drops it. */
export interface ReceivedUpload {
  scratchPath: string;
  sha256: string;
  size: number;
  originalName: string;
  /** The form's text fields. */
  fields: Record<string, string>;
}

const FILE_FIELD = 'file';

/**
 * Streams the multipart field `file` to disk while hashing it, so a 20 MB photo never sits in
 * memory; answers 415 (not multipart), 413 (over `maxBytes`) or 400 (no file, empty, or a name
 * with path parts). Nothing is left behind when it refuses.
 */
export async function receiveUpload(request: FastifyRequest, scratchDirectory: string, maxBytes: number): Promise<ReceivedUpload> {
  if (!request.isMultipart()) {
    throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'Send the file as multipart/form-data, in the field "file"', [
      { field: FILE_FIELD, reason: 'must be sent as multipart/form-data' },
    ]);
  }
  await mkdir(scratchDirectory, { recursive: true });
  const scratchPath = join(scratchDirectory, randomUUID());
  const fields: Record<string, string> = {};
  let received: Omit<ReceivedUpload, 'fields' | 'scratchPath'> | undefined;
  try {
    for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 1000 }, preservePath: true })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== FILE_FIELD) throw new InvalidInputException([{ field: part.fieldname, reason: `is not expected; send the file in "${FILE_FIELD}"` }]);
      const hash = createHash('sha256');
      let size = 0;
      const measure = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      });
      await pipeline(part.file, measure, createWriteStream(scratchPath));
      received = { sha256: hash.digest('hex'), size, originalName: part.filename };
    }
  } catch (error) {
    await rm(scratchPath, { force: true });
    throw asRefusal(error, maxBytes);
  }
  const problem = !received ? 'is required' : received.size === 0 ? 'is empty' : nameProblem(received.originalName);
  if (problem || !received) {
    await rm(scratchPath, { force: true });
    throw new InvalidInputException([{ field: FILE_FIELD, reason: problem ?? 'is required' }]);
  }
  return { ...received, scratchPath, fields };
}

/** A file name is kept for people to read; one that tries to be a path is refused, not repaired. */
function nameProblem(name: string): string | null {
  if (name.length > 255) return 'has a name longer than 255 characters';
  // eslint-disable-next-line no-control-regex
  if (/[\\/]|[\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') return 'has a name with path parts or control characters';
  return null;
}

function asRefusal(error: unknown, maxBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, `The file is larger than ${maxBytes / 1_048_576} MB`, [
      { field: FILE_FIELD, reason: `is larger than the limit of ${maxBytes / 1_048_576} MB` },
    ]);
  }
  if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new InvalidInputException([{ field: FILE_FIELD, reason: 'one file per upload, with at most a few fields' }]);
  }
  // Fastify's other refusals, and busboy's (no boundary, a body cut short, a malformed part header),
  // which carry no code at all; a system error (the disk) has one, and stays the service's.
  if (code?.startsWith('FST_') || (code === undefined && error instanceof Error && !(error instanceof HttpException))) {
    return new InvalidInputException([{ field: FILE_FIELD, reason: 'the multipart body could not be read' }]);
  }
  return error;
}
