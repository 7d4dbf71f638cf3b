import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProofsService } from '../../core/proofs.service';
import type { LogTree, TreePurpose } from '@app/schema';
import { TreeRegistry } from '../../core/tree-registry.service';
import { LogError } from '../../errors';
import { parseIndex } from '../../http/params';
import { TilesService } from './tiles.service';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Where each personality's active tree is mounted: a C2SP tlog-tiles client given `<base><prefix>`
 * reads `checkpoint` and `tile/...` under it. The bare `/api/v2/checkpoint` and `/api/v2/tile/...`
 * are Rekor v2's, as rekor-tiles serves them: the shard whose origin is the request's hostname
 * (each shard has a hostname of its own), else the active shard.
 */
export const TILE_MOUNTS = {
  artifact: '/api/v1/log/',
  ct: '/ct/',
  'rekor-v2': '/api/v2/',
} as const satisfies Record<TreePurpose, string>;

/**
 * C2SP tlog-tiles read API: for the active tree of each personality under its own prefix
 * ({@link TILE_MOUNTS}), and for any tree under `/api/v2/trees/<treeID>`. Tiles and bundles never
 * change once served, the checkpoint does.
 */
@Controller()
export class TilesController {
  constructor(
    private readonly trees: TreeRegistry,
    private readonly proofs: ProofsService,
    private readonly tiles: TilesService,
  ) {}

  @Get('api/v1/log/checkpoint')
  rekorCheckpoint(@Res() res: Response): Promise<void> {
    return this.checkpoint(this.trees.activeOf('artifact'), res);
  }

  @Get('api/v1/log/tile/*path')
  rekorTile(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.mounted('artifact', req, res);
  }

  @Get('ct/checkpoint')
  ctCheckpoint(@Res() res: Response): Promise<void> {
    return this.checkpoint(this.trees.activeOf('ct'), res);
  }

  @Get('ct/tile/*path')
  ctTile(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.mounted('ct', req, res);
  }

  @Get('api/v2/checkpoint')
  async v2Checkpoint(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.checkpoint(await this.v2Shard(req), res);
  }

  @Get('api/v2/tile/*path')
  async v2Tile(@Req() req: Request, @Res() res: Response): Promise<void> {
    const tree = await this.v2Shard(req);
    return this.tile(tree, req.path.slice(TILE_MOUNTS['rekor-v2'].length), res);
  }

  @Get('api/v2/trees/:treeId/checkpoint')
  async treeCheckpoint(@Param('treeId') treeId: string, @Res() res: Response): Promise<void> {
    return this.checkpoint(await this.trees.tree(parseIndex('treeId', treeId)), res);
  }

  @Get('api/v2/trees/:treeId/tile/*path')
  async treeTile(
    @Param('treeId') treeId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const tree = await this.trees.tree(parseIndex('treeId', treeId));
    return this.tile(tree, req.path.slice(`/api/v2/trees/${treeId}/`.length), res);
  }

  /** The Rekor v2 shard a request is for: by its hostname, else the active one. */
  private async v2Shard(req: Request): Promise<LogTree> {
    return (
      (await this.trees.treeWithOrigin('rekor-v2', req.hostname)) ?? this.trees.activeOf('rekor-v2')
    );
  }

  private mounted(purpose: TreePurpose, req: Request, res: Response): Promise<void> {
    const tree = this.trees.activeOf(purpose);
    return this.tile(tree, req.path.slice(TILE_MOUNTS[purpose].length), res);
  }

  private async checkpoint(tree: LogTree, res: Response): Promise<void> {
    const checkpoint = await this.proofs.latestCheckpoint(tree.id);
    if (checkpoint === undefined)
      throw new LogError('NOT_FOUND', `tree ${tree.id} has no checkpoint`);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', tree.active ? 'public, max-age=1' : IMMUTABLE);
    res.send(checkpoint.note);
  }

  private async tile(tree: LogTree, path: string, res: Response): Promise<void> {
    const bytes = await this.tiles.read(tree, path);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Cache-Control', IMMUTABLE);
    res.send(Buffer.from(bytes));
  }
}
