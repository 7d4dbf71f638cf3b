import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One version of the CA's TUF targets (and snapshot) metadata: a new row whenever a target it
 * lists (the trusted root, the signing config) changes, or the newest row is a week old, so every CA process signs the same
 * version number for the same content and versions only grow. Append-only.
 */
@Entity('tuf_targets_version')
@Check('CHK_tuf_targets_version_positive', '"version" >= 1')
export class TufTargetsVersion {
  @PrimaryColumn({ type: 'integer' })
  version!: number;

  /** SHA-256 over the name and SHA-256 of each target this version lists (`<name> <hex>\n`, by name). */
  @Column({ name: 'targets_sha256', type: 'bytea' })
  targetsSha256!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
