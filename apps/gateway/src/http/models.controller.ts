import { Controller, Get, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ModelAccess } from '../access/model-access';
import { KeyAuthenticator } from '../auth/key-authenticator';
import { type CatalogEntry, ModelCatalog } from '../catalog/model-catalog';
import { OpenAIError } from '../http/openai-error';

const view = (e: CatalogEntry) => ({
  id: e.model.slug,
  object: 'model',
  created: Math.floor(e.model.createdAt.getTime() / 1000),
  owned_by: 'velvet-rope',
});

/** `GET /v1/models`: only the models this key may call now. */
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly auth: KeyAuthenticator,
    private readonly catalog: ModelCatalog,
    private readonly access: ModelAccess,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest) {
    const principal = await this.auth.authenticate(request.headers.authorization);
    const ability = await this.access.ability(principal);
    const data = this.catalog
      .all()
      .filter((e) => ModelAccess.canInvoke(ability, e))
      .map(view);
    data.sort((a, b) => a.id.localeCompare(b.id));
    return { object: 'list', data };
  }

  @Get(':model')
  async get(@Req() request: FastifyRequest, @Param('model') slug: string) {
    const principal = await this.auth.authenticate(request.headers.authorization);
    const entry = this.catalog.get(slug);
    if (!entry) throw OpenAIError.modelNotFound(slug);
    await this.access.assertInvokable(principal, entry);
    return view(entry);
  }
}
