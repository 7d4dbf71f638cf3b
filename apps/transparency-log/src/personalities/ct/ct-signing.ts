import {
  ctLogId,
  formatCheckpoint,
  rekorKeyName,
  rfc6962NoteSigner,
  type Signer,
  signNote,
} from '@app/signing';
import type { TreeSigning } from '../../core/tree-signing';

/**
 * Certificate-transparency trees (RFC 6962): origin `<host[:port]>/ct/<treeID>` (no spaces, so
 * that it is also the note key name, as static-ct-api requires). Each checkpoint carries one
 * static-ct-api RFC6962NoteSignature, i.e. the RFC 6962 §3.5 tree head signature `get-sth`
 * serves; its timestamp is never older than an SCT in the batch. Entries arrive with their SCT
 * signature already made (the SCT and the Merkle leaf share its timestamp), which is stored.
 */
export function ctTreeSigning(signer: Signer, publicUrl: string): TreeSigning {
  const logId = ctLogId(signer.publicKey);
  return {
    signer,
    origin: (treeId) => `${rekorKeyName(publicUrl)}/ct/${treeId}`,
    signCheckpoint: (checkpoint, batch) => {
      let timestamp = BigInt(Date.now());
      for (const entry of batch) {
        const sct = entry.presigned?.timestamp ?? 0n;
        if (sct > timestamp) timestamp = sct;
      }
      return signNote(formatCheckpoint(checkpoint), [
        rfc6962NoteSigner(signer, checkpoint.origin, logId, timestamp),
      ]);
    },
    signEntry: (entry) => {
      if (entry.presigned === undefined) {
        return Promise.reject(new Error('a CT entry must arrive with its SCT signature'));
      }
      return Promise.resolve(entry.presigned.signature);
    },
  };
}
