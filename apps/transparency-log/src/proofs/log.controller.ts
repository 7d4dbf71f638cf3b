import { Controller, Get, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { publicKeyToPem, parsePublicKey } from '@app/signing';
import { parseIndex } from '../entries/entries.controller';
import { EntriesService } from '../entries/entries.service';
import { LogError } from '../errors';
import type { LogTree } from '../tree/tree.entities';
import { TreeRepository } from '../tree/tree.repository';
import { TreesService } from '../tree/trees.service';

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
    private readonly trees: TreesService,
    private readonly repo: TreeRepository,
    private readonly entries: EntriesService,
  ) {}

  @Get()
  async info(): Promise<TreeInfo & { inactiveShards: TreeInfo[] }> {
    const all = await this.repo.trees('artifact');
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
    const checkpoint = await this.repo.latestCheckpoint(tree.id);
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
    const reader = this.trees.reader(tree.id, lastSize);
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

  private async treeFor(treeIdText: unknown): Promise<LogTree> {
    if (treeIdText === undefined) return this.trees.active;
    const tree = await this.entries.tree(parseIndex('treeID', treeIdText));
    if (tree.purpose !== 'artifact') throw new LogError('NOT_FOUND', `no tree ${tree.id}`);
    return tree;
  }

  private async treeInfo(tree: LogTree): Promise<TreeInfo> {
    const checkpoint = await this.repo.latestCheckpoint(tree.id);
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
