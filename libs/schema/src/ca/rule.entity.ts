/* The table, exactly as TypeORM would create it (the CA's policy/rules.repository.int-spec.ts creates it from this
   block and asserts the entity has no drift against it):
-- migration: CreateIamRule
CREATE TABLE "iam_rule" ("id" uuid NOT NULL, "name" text NOT NULL, "position" integer NOT NULL, "issuer" text NOT NULL, "subject" text NOT NULL, "claims" jsonb NOT NULL, "certificate_lifetime_seconds" integer, "allowed_key_algorithms" text array, "active" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_831e018fa0d0daa67776b4f0070" PRIMARY KEY ("id"));
CREATE UNIQUE INDEX "UQ_iam_rule_name" ON "iam_rule" ("name");
-- end migration */
import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An IAM rule from the `rules:` section, synced at boot. Rules are never deleted, because
 * issuance records reference their ids: a rule removed from the file becomes inactive, and a rule
 * keeps its id for as long as its name is in use.
 */
@Entity('iam_rule')
@Index('UQ_iam_rule_name', ['name'], { unique: true })
export class IamRule {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Index in the configured list: the first matching rule wins. */
  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  issuer!: string;

  @Column({ type: 'text' })
  subject!: string;

  /** Claim name → a string pattern, or a boolean or integer the claim must equal, type included. */
  @Column({ type: 'jsonb' })
  claims!: Record<string, string | boolean | number>;

  @Column({ name: 'certificate_lifetime_seconds', type: 'integer', nullable: true })
  certificateLifetimeSeconds!: number | null;

  @Column({ name: 'allowed_key_algorithms', type: 'text', array: true, nullable: true })
  /** Names from the CA's `KEY_ALGORITHMS` (policy/rules.config.ts), as configured. */
  allowedKeyAlgorithms!: string[] | null;

  /** False once the rule is no longer in the configuration file. */
  @Column({ type: 'boolean' })
  active!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
