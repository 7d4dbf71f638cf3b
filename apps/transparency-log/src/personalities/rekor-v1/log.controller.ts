import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { publicKeyToPem, parsePublicKey } from '@app/signing';
import { ProofsService } from '../../core/proofs.service';
import type { LogTree } from '@app/schema';
import { TreeRegistry } from '../../core/tree-registry.service';
import { LogError } from '../../errors';
import { parseIndex } from '../../http/params';
import { EntriesService } from './entries.service';

interface TreeInfo {
  rootHash: string;
  treeSize: number;
  signedTreeHead: string;
  treeID: string;
}

/** Rekor v1 log-level endpoints: LogInfo, consistency proofs, the public key. */
@Controller('api/v1/log')
export class LogController {
  constructor(
    private readonly trees: TreeRegistry,
    private readonly proofs: ProofsService,
    private readonly entries: EntriesService,
  ) {}

  @Get()
  async info(): Promise<TreeInfo & { inactiveShards: TreeInfo[] }> {
    const all = await this.trees.trees('artifact');
    const infos = await Promise.all(all.map((t) => this.treeInfo(t)));
    const active = infos[all.findIndex((t) => t.active)]!;
    return { ...active, inactiveShards: infos.filter((i) => i !== active) };
  }

  @Get('proof')
  async consistency(
    @Query('firstSize') firstSizeText: unknown,
    @Query('lastSize') lastSizeText: unknown,
    @Query('treeID') treeIdText: unknown,
  ): Promise<{ rootHash: string; hashes: string[] }> {
    const firstSize = firstSizeText === undefined ? 1n : parseIndex('firstSize', firstSizeText);
    if (lastSizeText === undefined) throw new LogError('MALFORMED_REQUEST', 'lastSize is required');
    const lastSize = parseIndex('lastSize', lastSizeText);
    const tree = await this.treeFor(treeIdText);
    const checkpoint = await this.proofs.latestCheckpoint(tree.id);
    const size = checkpoint?.treeSize ?? 0n;
    if (firstSize < 1n) throw new LogError('MALFORMED_REQUEST', 'firstSize must be at least 1');
    if (firstSize > lastSize) {
      throw new LogError(
        'MALFORMED_REQUEST',
        `firstSize ${firstSize} is greater than lastSize ${lastSize}`,
      );
    }
    if (lastSize > size) {
      throw new LogError(
        'MALFORMED_REQUEST',
        `lastSize ${lastSize} is greater than the tree size ${size}`,
      );
    }
    const reader = this.proofs.reader(tree.id, lastSize);
    const [rootHash, hashes] = await Promise.all([
      reader.rootHash(lastSize),
      reader.consistencyProof(firstSize, lastSize),
    ]);
    return {
      rootHash: Buffer.from(rootHash).toString('hex'),
      hashes: hashes.map((h) => Buffer.from(h).toString('hex')),
    };
  }

  @Get('publicKey')
  async publicKey(@Query('treeID') treeIdText: unknown, @Res() res: Response): Promise<void> {
    const tree = await this.treeFor(treeIdText);
    // Set here rather than with @Header so that error answers stay JSON.
    res.setHeader('Content-Type', 'application/x-pem-file');
    res.send(publicKeyToPem(parsePublicKey(tree.publicKey)));
  }

  private treeFor(treeIdText: unknown): Promise<LogTree> {
    return this.entries.artifactTree(
      treeIdText === undefined ? undefined : parseIndex('treeID', treeIdText),
    );
  }

  private async treeInfo(tree: LogTree): Promise<TreeInfo> {
    const checkpoint = await this.proofs.latestCheckpoint(tree.id);
    if (checkpoint === undefined)
      throw new LogError('UNAVAILABLE', `tree ${tree.id} has no checkpoint`);
    return {
      rootHash: checkpoint.rootHash.toString('hex'),
      treeSize: Number(checkpoint.treeSize),
      signedTreeHead: checkpoint.note,
      treeID: tree.id.toString(),
    };
  }
}
