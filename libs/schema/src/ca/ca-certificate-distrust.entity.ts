import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A CA certificate the instance no longer trusts for log writes and CT (`signet ca distrust`):
 * chains through it are refused from then on; entries already logged keep resolving it. Written
 * by an administrator as the schema's owner, never by the apps; append-only.
 */
@Entity('ca_certificate_distrust')
@Check('CHK_ca_certificate_distrust_fingerprint', `"fingerprint" ~ '^[0-9a-f]{64}$'`)
export class CaCertificateDistrust {
  /** `ca_certificate.fingerprint` of the distrusted certificate. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_ca_certificate_distrust' })
  fingerprint!: string;

  @Column({ type: 'text' })
  reason!: string;

  @CreateDateColumn({ name: 'distrusted_at', type: 'timestamptz' })
  distrustedAt!: Date;
}
