import { MAX_ENTRY_SIZE } from '@app/merkle';
import { LogError } from '../errors';

/**
 * Refuses a canonical body a C2SP tlog-tiles entry bundle cannot hold (two length octets): once
 * logged, the entries tile that covers it could never be served (security review M4).
 */
export function checkEntrySize(length: number): void {
  if (length > MAX_ENTRY_SIZE) {
    throw new LogError(
      'PAYLOAD_TOO_LARGE',
      `entry: the canonical entry would take ${length} bytes; a C2SP entry bundle holds at most ${MAX_ENTRY_SIZE}`,
    );
  }
}
