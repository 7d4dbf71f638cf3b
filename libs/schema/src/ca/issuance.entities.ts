import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every certificate the CA issued, with the identity and the rule that allowed it. Never changes. */
@Entity('issuance')
@Index('IDX_issuance_identity', ['identity'])
export class IssuanceRecord {
  /** Serial number, lowercase hex. */
  @PrimaryColumn({ type: 'text' })
  serial!: string;

  /** The certificate identity (SAN value). */
  @Column({ type: 'text' })
  identity!: string;

  @Column({ name: 'san_type', type: 'text' })
  sanType!: string;

  @Column({ type: 'text' })
  issuer!: string;

  /** The token's `sub`. */
  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'rule_id', type: 'uuid' })
  ruleId!: string;

  @Column({ name: 'rule_name', type: 'text' })
  ruleName!: string;

  /** SHA-256 of the client key's DER SPKI, hex. */
  @Column({ name: 'key_fingerprint', type: 'text' })
  keyFingerprint!: string;

  @Column({ name: 'key_algorithm', type: 'text' })
  keyAlgorithm!: string;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress!: string | null;

  @CreateDateColumn({ name: 'issued_at', type: 'timestamptz' })
  issuedAt!: Date;
}

/** CA certificates of this instance (every chain it ever issued under), for the log and the trusted root. */
@Entity('ca_certificate')
export class CaCertificate {
  /** SHA-256 of the DER, hex. */
  @PrimaryColumn({ type: 'text' })
  fingerprint!: string;

  @Column({ type: 'bytea' })
  der!: Buffer;

  @Column({ name: 'is_root', type: 'boolean' })
  isRoot!: boolean;

  @Column({ name: 'not_before', type: 'timestamptz' })
  notBefore!: Date;

  @Column({ name: 'not_after', type: 'timestamptz' })
  notAfter!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
