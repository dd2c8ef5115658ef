import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One upload: its content is stored once per SHA-256 (AttachmentStorage), however often it is uploaded. */
@Entity('attachments')
export class AttachmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  sha256: string;

  @Column({ type: 'integer' })
  size: number;

  /** As read from the content, not as the client declared it. */
  @Column({ type: 'varchar', length: 100 })
  contentType: string;

  /** The client's file name, without any path. */
  @Column({ type: 'varchar', length: 255 })
  originalName: string;

  /** The day the evidence applies to (when the photo was taken), as the uploader says. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  effectiveDate: string | null;

  @Column({ type: 'varchar', length: 36 })
  uploadedBy: string;

  /** Set by the service; the client cannot. */
  @Column({ type: Date })
  uploadedAt: Date;

  /** The finding it is a photo or evidence of; null until a request of its uploader uses it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  findingId: string | null;

  /** The admonition interview it was recorded with, if an interview's request used it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  interviewId: string | null;

  @Column({ type: Date, nullable: true })
  usedAt: Date | null;
}
