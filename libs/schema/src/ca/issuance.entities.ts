import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { bigintTransformer } from '@app/platform';
import { PolicyVersionRecord } from './policy-version.entity';

/** Every certificate the CA issued, with the identity and the rule that allowed it. Never changes. */
@Entity('issuance')
@Index('IDX_issuance_identity', ['identity'])
@Index('IDX_issuance_policy_version', ['policyVersion', 'issuedAt'])
@Index('IDX_issuance_issued_at', ['issuedAt', 'serial'])
@Check('CHK_issuance_ct_leaf_hash', `"ct_leaf_hash" IS NULL OR octet_length("ct_leaf_hash") = 32`)
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

  /** The policy version in force at issuance; null for certificates issued before versioning. */
  @Column({
    name: 'policy_version',
    type: 'bigint',
    nullable: true,
    transformer: bigintTransformer,
  })
  policyVersion!: bigint | null;

  @ManyToOne(() => PolicyVersionRecord, { nullable: true })
  @JoinColumn({
    name: 'policy_version',
    referencedColumnName: 'version',
    foreignKeyConstraintName: 'FK_issuance_policy_version',
  })
  policyVersionRecord?: PolicyVersionRecord | null;

  /** RFC 6962 leaf hash of the precertificate's CT entry (get-proof-by-hash); null without CT. */
  @Column({ name: 'ct_leaf_hash', type: 'bytea', nullable: true })
  ctLeafHash!: Buffer | null;
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
